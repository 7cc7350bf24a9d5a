package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConnectionFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`
	tests := []struct {
		name, path, wantErr string
	}{
		{"good", write("good.json", good), ""},
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"malformed", write("bad.json", `{"ip": `), "malformed JSON"},
		{"unsupported scheme", write("scheme.json", strings.Replace(good, "hmac-sha256", "rsa", 1)), "unsupported signature_scheme"},
		{"unsupported transport", write("tr.json", strings.Replace(good, `"tcp"`, `"udp"`, 1)), "unsupported transport"},
		{"bad port", write("port.json", strings.Replace(good, `"hb_port":5`, `"hb_port":0`, 1)), "hb_port"},
		{"no ip", write("ip.json", strings.Replace(good, `"127.0.0.1"`, `""`, 1)), "ip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ReadConnectionFile(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := info.Endpoint(info.ShellPort); got != "tcp://127.0.0.1:1" {
					t.Errorf("endpoint = %q", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestConnectionDefaults(t *testing.T) {
	info, err := ParseConnectionInfo([]byte(`{"ip":"::1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if info.Transport != "tcp" || info.SignatureScheme != "hmac-sha256" {
		t.Errorf("defaults: %+v", info)
	}
	if got := info.Endpoint(7); got != "tcp://[::1]:7" {
		t.Errorf("ipv6 endpoint = %q", got)
	}
}
