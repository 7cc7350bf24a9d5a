package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func testMessage(t *testing.T) *Message {
	t.Helper()
	m, err := newMessage("execute_request", "s1", nil, map[string]any{"code": "x := 1"})
	if err != nil {
		t.Fatal(err)
	}
	m.Identities = [][]byte{[]byte("client-id")}
	m.Metadata = map[string]any{"k": "v"}
	m.Buffers = [][]byte{[]byte("buf")}
	return m
}

func TestWireRoundTrip(t *testing.T) {
	for _, scheme := range []string{"hmac-sha256", "hmac-sha512", "hmac-sha1", "hmac-md5", ""} {
		s, err := NewSigner(scheme, []byte("secret"))
		if err != nil {
			t.Fatalf("%q: %v", scheme, err)
		}
		m := testMessage(t)
		frames, err := s.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(frames[1], delimiter) || len(frames[2]) == 0 {
			t.Fatalf("%q: bad frame layout %q", scheme, frames[:3])
		}
		got, err := s.Decode(frames)
		if err != nil {
			t.Fatalf("%q: decode: %v", scheme, err)
		}
		if got.Header != m.Header || string(got.Content) != string(m.Content) ||
			string(got.Identities[0]) != "client-id" || string(got.Buffers[0]) != "buf" || got.Metadata["k"] != "v" {
			t.Errorf("%q: round trip mismatch: %+v", scheme, got)
		}
		if got.Header.Version != "5.3" {
			t.Errorf("version = %q", got.Header.Version)
		}
	}
}

func TestWireParentIsEchoedVerbatim(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", []byte("k"))
	req := testMessage(t)
	frames, _ := s.Encode(req)
	// A client header with a field warren does not know must come back intact.
	frames[3] = []byte(`{"msg_id":"abc","session":"s","username":"u","date":"2026-01-01T00:00:00Z","msg_type":"execute_request","version":"5.3","subshell_id":null}`)
	frames[2] = s.Sign(frames[3], frames[4], frames[5], frames[6])
	in, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := newMessage("execute_reply", "kernel", in, map[string]any{"status": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if string(rep.Parent) != string(frames[3]) {
		t.Errorf("parent = %s", rep.Parent)
	}
	if string(rep.Identities[0]) != "client-id" {
		t.Errorf("identities not routed back: %q", rep.Identities)
	}
}

func TestWireSignatureRejection(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", []byte("secret"))
	other, _ := NewSigner("hmac-sha256", []byte("other"))
	unsigned, _ := NewSigner("hmac-sha256", nil)
	encode := func(s *Signer) [][]byte {
		f, err := s.Encode(testMessage(t))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		name   string
		frames func() [][]byte
	}{
		{"tampered content", func() [][]byte {
			f := encode(s)
			f[6] = []byte(`{"code":"os.Exit(1)"}`)
			return f
		}},
		{"tampered header", func() [][]byte {
			f := encode(s)
			f[3] = bytes.Replace(f[3], []byte("execute_request"), []byte("shutdown_request"), 1)
			return f
		}},
		{"wrong key", func() [][]byte { return encode(other) }},
		{"missing signature", func() [][]byte {
			f := encode(unsigned) // empty signature frame
			return f
		}},
		{"signature frame absent", func() [][]byte {
			f := encode(s)
			return append(f[:2:2], f[3:7]...)
		}},
		{"garbage signature", func() [][]byte {
			f := encode(s)
			f[2] = []byte("zz")
			return f
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Decode(tt.frames())
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("Decode error = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestWireEmptyKey(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", nil)
	f, _ := s.Encode(testMessage(t))
	if len(f[2]) != 0 {
		t.Errorf("empty key signed %q", f[2])
	}
	if _, err := s.Decode(f); err != nil {
		t.Errorf("unsigned message rejected with empty key: %v", err)
	}
	f[2] = []byte("deadbeef")
	if _, err := s.Decode(f); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signed message accepted with empty key: %v", err)
	}
}

func TestWireMalformed(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", nil)
	for name, frames := range map[string][][]byte{
		"no delimiter": {[]byte("a"), []byte("b")},
		"short":        {delimiter, {}, []byte("{}")},
		"bad header":   {delimiter, {}, []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")},
	} {
		if _, err := s.Decode(frames); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestUnsupportedScheme(t *testing.T) {
	if _, err := NewSigner("hmac-whirlpool", []byte("k")); err == nil {
		t.Error("no error for unsupported scheme")
	}
}

func TestHeaderFields(t *testing.T) {
	h := newHeader("status", "sess")
	b, _ := json.Marshal(h)
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"msg_id", "session", "username", "date", "msg_type", "version"} {
		if m[k] == "" {
			t.Errorf("header field %s empty", k)
		}
	}
	if len(h.MsgID) != 36 {
		t.Errorf("msg_id %q is not a uuid", h.MsgID)
	}
	if h.Date[len(h.Date)-1] != 'Z' {
		t.Errorf("date %q has no zone", h.Date)
	}
}
