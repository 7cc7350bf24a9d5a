package kernel

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-zeromq/zmq4"
)

// decodeRequest unmarshals the content of the request msg into v. When the
// content does not fit (e.g. "code" is a number), it answers msg with an
// error reply instead — a client waiting for the reply must get one — and
// returns false.
func (k *Kernel) decodeRequest(sock zmq4.Socket, msg *Message, v any) bool {
	err := json.Unmarshal(msg.Content, v)
	if err == nil {
		return true
	}
	t := msg.Header.MsgType
	k.logf("%s: bad content: %v", t, err)
	evalue := fmt.Sprintf("the %s's content cannot be decoded: %v", t, err)
	content := map[string]any{
		"status":    "error",
		"ename":     "InvalidRequest",
		"evalue":    evalue,
		"traceback": []string{"InvalidRequest: " + evalue},
	}
	if t == "execute_request" {
		k.mu.Lock()
		count := k.execCount
		k.mu.Unlock()
		k.pub.publish("error", msg, map[string]any{"ename": content["ename"], "evalue": evalue, "traceback": content["traceback"]})
		content["execution_count"] = count
		content["user_expressions"] = map[string]any{}
		content["payload"] = []any{}
	}
	k.reply(sock, msg, strings.TrimSuffix(t, "_request")+"_reply", content)
	return false
}
