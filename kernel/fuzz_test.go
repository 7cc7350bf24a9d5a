package kernel

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecode: the wire decoder returns an error or a message for any
// frames, signed correctly or not; a message it returns encodes and
// decodes back to the same header and content.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("id"), []byte(`{"msg_id":"1","session":"s","username":"u","date":"","msg_type":"execute_request","version":"5.3"}`),
		[]byte("{}"), []byte("{}"), []byte(`{"code":"1"}`), []byte("buf"), true)
	f.Add([]byte(""), []byte(`{"msg_type":5}`), []byte("{}"), []byte("null"), []byte("{}"), []byte(""), true)
	f.Add([]byte("<IDS|MSG>"), []byte(`{}`), []byte("{"), []byte(""), []byte("[]"), []byte(""), false)
	signer, err := NewSigner("hmac-sha256", []byte("key"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, header, parent, metadata, content, buf []byte, sign bool) {
		sig := []byte("0000")
		if sign {
			sig = signer.Sign(header, parent, metadata, content)
		}
		frames := [][]byte{id, delimiter, sig, header, parent, metadata, content}
		if len(buf) > 0 {
			frames = append(frames, buf)
		}
		msg, err := signer.Decode(frames)
		if err != nil {
			return
		}
		out, err := signer.Encode(msg)
		if err != nil {
			t.Fatalf("a decoded message does not encode: %v", err)
		}
		again, err := signer.Decode(out)
		if err != nil {
			t.Fatalf("an encoded message does not decode: %v", err)
		}
		if again.Header != msg.Header || !bytes.Equal(again.Content, msg.Content) {
			t.Fatalf("round trip changed the message: %+v %s -> %+v %s", msg.Header, msg.Content, again.Header, again.Content)
		}
	})
}

// FuzzParseConnectionInfo: any connection file is parsed or refused with
// an error; what is accepted has usable endpoints.
func FuzzParseConnectionInfo(f *testing.F) {
	f.Add([]byte(`{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`))
	f.Add([]byte(`{"transport":"ipc","ip":"/tmp/k","shell_port":1}`))
	f.Add([]byte(`{"transport":"tcp","ip":"*","shell_port":70000}`))
	f.Add([]byte(`{"ip":"::1","signature_scheme":"hmac-md5","shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ParseConnectionInfo(data)
		if err != nil {
			return
		}
		if _, err := NewSigner(info.SignatureScheme, []byte(info.Key)); err != nil {
			t.Fatalf("accepted a scheme the signer refuses: %v", err)
		}
		for _, p := range []int{info.ShellPort, info.IOPubPort, info.StdinPort, info.ControlPort, info.HBPort} {
			if info.Transport == "tcp" && (p <= 0 || p > 65535) {
				t.Fatalf("accepted port %d", p)
			}
			_ = info.Endpoint(p)
			_, _ = info.listenAddr(p)
		}
		if _, err := json.Marshal(info); err != nil {
			t.Fatal(err)
		}
	})
}
