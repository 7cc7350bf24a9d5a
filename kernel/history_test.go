package kernel

import (
	"reflect"
	"testing"
)

func TestHistory(t *testing.T) {
	var h history
	cells := []string{"a := 1", "fmt.Println(a)", "a + 1", "b := 2", "a + 1", "x/2"}
	for i, c := range cells {
		h.add(i+1, c, "out")
	}
	lines := func(rows [][]any) []int {
		var n []int
		for _, r := range rows {
			n = append(n, r[1].(int))
		}
		return n
	}
	tests := []struct {
		name string
		req  historyRequest
		want []int
	}{
		{"tail", historyRequest{HistAccessType: "tail", N: 2}, []int{5, 6}},
		{"tail all", historyRequest{HistAccessType: "tail"}, []int{1, 2, 3, 4, 5, 6}},
		{"range", historyRequest{HistAccessType: "range", Session: 1, Start: 2, Stop: 4}, []int{2, 3}},
		{"range to end", historyRequest{HistAccessType: "range", Start: 5}, []int{5, 6}},
		{"range other session", historyRequest{HistAccessType: "range", Session: 7, Start: 1}, nil},
		{"search", historyRequest{HistAccessType: "search", Pattern: "a*"}, []int{1, 3, 5}},
		{"search unique", historyRequest{HistAccessType: "search", Pattern: "a +*", Unique: true}, []int{5}},
		{"search n", historyRequest{HistAccessType: "search", Pattern: "*a*", N: 2}, []int{3, 5}},
		{"search slash", historyRequest{HistAccessType: "search", Pattern: "x*"}, []int{6}},
		{"search ?", historyRequest{HistAccessType: "search", Pattern: "? := ?"}, []int{1, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lines(h.query(tt.req)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lines = %v, want %v", got, tt.want)
			}
		})
	}
	rows := h.query(historyRequest{HistAccessType: "tail", N: 1, Output: true})
	if io, ok := rows[0][2].([]any); !ok || io[0] != "x/2" || io[1] != "out" {
		t.Errorf("output row = %v", rows[0])
	}
}
