package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"time"

	"github.com/google/uuid"
)

// ProtocolVersion is the Jupyter messaging protocol version warren speaks.
const ProtocolVersion = "5.3"

// delimiter separates routing identities from the message proper.
var delimiter = []byte("<IDS|MSG>")

// ErrBadSignature is returned by Decode when a message's HMAC signature is
// missing or does not match.
var ErrBadSignature = errors.New("bad message signature")

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one decoded Jupyter message. Parent is kept as raw JSON so that
// it is echoed back exactly as the client sent it.
type Message struct {
	Identities [][]byte
	Header     Header
	Parent     json.RawMessage
	Metadata   map[string]any
	Content    json.RawMessage
	Buffers    [][]byte

	rawHeader []byte // the header exactly as received, echoed as parent
	signature string // as received (lower case); empty for unsigned messages
}

// Signer signs and verifies messages with the connection file's key and
// scheme. A Signer with an empty key produces and accepts empty signatures.
type Signer struct {
	key    []byte
	newMAC func() hash.Hash
}

// NewSigner returns a Signer for scheme (e.g. "hmac-sha256") and key.
// An empty scheme means hmac-sha256.
func NewSigner(scheme string, key []byte) (*Signer, error) {
	var h func() hash.Hash
	switch scheme {
	case "", "hmac-sha256":
		h = sha256.New
	case "hmac-sha512":
		h = sha512.New
	case "hmac-sha384":
		h = sha512.New384
	case "hmac-sha224":
		h = sha256.New224
	case "hmac-sha1":
		h = sha1.New
	case "hmac-md5":
		h = md5.New
	default:
		return nil, fmt.Errorf("unsupported signature_scheme %q (want hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1 or hmac-md5)", scheme)
	}
	return &Signer{key: append([]byte(nil), key...), newMAC: h}, nil
}

// Sign returns the hex signature of the four JSON frames.
func (s *Signer) Sign(frames ...[]byte) []byte {
	if len(s.key) == 0 {
		return []byte{}
	}
	mac := hmac.New(s.newMAC, s.key)
	for _, f := range frames {
		mac.Write(f)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify reports whether sig is the signature of frames, in constant time.
func (s *Signer) Verify(sig []byte, frames ...[]byte) bool {
	want := s.Sign(frames...)
	if len(s.key) == 0 {
		return len(sig) == 0
	}
	return hmac.Equal(bytes.ToLower(sig), want)
}

// Encode serializes msg into wire frames:
// [ids…, "<IDS|MSG>", signature, header, parent, metadata, content, buffers…].
func (s *Signer) Encode(msg *Message) ([][]byte, error) {
	header, err := json.Marshal(msg.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte(msg.Parent)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	md := msg.Metadata
	if md == nil {
		md = map[string]any{}
	}
	metadata, err := json.Marshal(md)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	content := []byte(msg.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(msg.Identities)+6+len(msg.Buffers))
	frames = append(frames, msg.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	frames = append(frames, msg.Buffers...)
	return frames, nil
}

// Decode parses wire frames and verifies their signature. A message whose
// signature is missing or wrong yields an error wrapping ErrBadSignature.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, errors.New("decode: no <IDS|MSG> delimiter")
	}
	if len(frames) < i+6 {
		if len(frames) == i+5 {
			return nil, fmt.Errorf("decode: %w: signature frame missing", ErrBadSignature)
		}
		return nil, fmt.Errorf("decode: %d frames after delimiter, want at least 5", len(frames)-i-1)
	}
	sig, header, parent, metadata, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if !s.Verify(sig, header, parent, metadata, content) {
		return nil, fmt.Errorf("decode: %w", ErrBadSignature)
	}
	msg := &Message{
		Identities: frames[:i],
		Parent:     json.RawMessage(parent),
		Content:    json.RawMessage(content),
		Buffers:    frames[i+6:],
		rawHeader:  header,
		signature:  string(bytes.ToLower(sig)),
	}
	if err := json.Unmarshal(header, &msg.Header); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	if len(metadata) > 0 {
		if err := json.Unmarshal(metadata, &msg.Metadata); err != nil {
			return nil, fmt.Errorf("decode metadata: %w", err)
		}
	}
	if !json.Valid(parent) || !json.Valid(content) {
		return nil, errors.New("decode: parent_header or content is not valid JSON")
	}
	return msg, nil
}

// username is reported in every header.
var username = func() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "warren"
}()

// newHeader returns a fresh header of type msgType in session.
func newHeader(msgType, session string) Header {
	return Header{
		MsgID:    uuid.NewString(),
		Session:  session,
		Username: username,
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

// newMessage builds a message of type msgType answering parent (which may be
// nil), with content marshalled from v.
func newMessage(msgType, session string, parent *Message, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s content: %w", msgType, err)
	}
	m := &Message{Header: newHeader(msgType, session), Content: c, Parent: json.RawMessage("{}")}
	if parent != nil {
		m.Parent = parent.rawHeader
		if len(m.Parent) == 0 {
			ph, err := json.Marshal(parent.Header)
			if err != nil {
				return nil, fmt.Errorf("encode parent header: %w", err)
			}
			m.Parent = ph
		}
		m.Identities = parent.Identities
	}
	return m, nil
}
