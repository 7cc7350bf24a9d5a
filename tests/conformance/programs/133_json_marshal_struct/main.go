// encoding/json marshals a user struct with tags and unmarshals it back.
//
// conform:category types

package main

import (
	"encoding/json"
	"fmt"
)

type Task struct {
	ID    int      `json:"id"`
	Title string   `json:"title"`
	Tags  []string `json:"tags,omitempty"`
	note  string
}

func main() {
	b, err := json.Marshal(Task{ID: 7, Title: "write tests", Tags: []string{"go"}, note: "hidden"})
	fmt.Println(string(b), err)
	var t Task
	err = json.Unmarshal([]byte(`{"id":9,"title":"ship"}`), &t)
	fmt.Println(t.ID, t.Title, t.Tags == nil, err)
}
