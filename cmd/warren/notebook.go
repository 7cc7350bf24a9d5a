package main

// Reading and writing Jupyter notebooks (nbformat 4) for `warren run`.
//
// Only what the runner needs is modelled; every other field of the notebook
// and of its cells is kept as raw JSON and written back unchanged, so a
// notebook survives a read/write round trip.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// notebook is an nbformat 4 document.
type notebook struct {
	Cells         []*nbCell
	Metadata      json.RawMessage
	Nbformat      int
	NbformatMinor int
	extra         map[string]json.RawMessage
}

// nbCell is one cell. Source is the joined source text. Outputs and
// ExecutionCount are meaningful for code cells only.
type nbCell struct {
	Type           string
	ID             string
	Source         string
	Metadata       json.RawMessage
	Outputs        []map[string]any
	ExecutionCount *int
	extra          map[string]json.RawMessage
}

// multiline decodes nbformat's multiline string: a string or a list of strings.
func multiline(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("want a string or a list of strings: %w", err)
	}
	return strings.Join(parts, ""), nil
}

// splitLines splits s into lines that keep their "\n", as Jupyter stores
// multiline strings.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// fields is a JSON object decoded one member at a time: take removes the
// members it returns, and what is left is kept as extra fields.
type fields map[string]json.RawMessage

func (f fields) take(k string) json.RawMessage {
	v := f[k]
	delete(f, k)
	return v
}

func (c *nbCell) UnmarshalJSON(b []byte) error {
	var m fields
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	take := m.take
	if err := json.Unmarshal(take("cell_type"), &c.Type); err != nil {
		return fmt.Errorf("cell_type: %w", err)
	}
	if raw := take("id"); raw != nil {
		if err := json.Unmarshal(raw, &c.ID); err != nil {
			return fmt.Errorf("id: %w", err)
		}
	}
	src, err := multiline(take("source"))
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	c.Source = src
	c.Metadata = take("metadata")
	if c.Type == "code" {
		if raw := take("outputs"); raw != nil {
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&c.Outputs); err != nil {
				return fmt.Errorf("outputs: %w", err)
			}
		}
		if raw := take("execution_count"); raw != nil {
			if err := json.Unmarshal(raw, &c.ExecutionCount); err != nil {
				return fmt.Errorf("execution_count: %w", err)
			}
		}
	}
	c.extra = m
	return nil
}

func (c *nbCell) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for k, v := range c.extra {
		m[k] = v
	}
	m["cell_type"] = c.Type
	if c.ID != "" {
		m["id"] = c.ID
	}
	m["source"] = splitLines(c.Source)
	if c.Metadata != nil {
		m["metadata"] = c.Metadata
	} else {
		m["metadata"] = map[string]any{}
	}
	if c.Type == "code" {
		outs := c.Outputs
		if outs == nil {
			outs = []map[string]any{}
		}
		m["outputs"] = outs
		m["execution_count"] = c.ExecutionCount // null when nil
	}
	return marshalNoEscape(m)
}

func (nb *notebook) UnmarshalJSON(b []byte) error {
	var m fields
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	take := m.take
	if err := json.Unmarshal(take("nbformat"), &nb.Nbformat); err != nil {
		return fmt.Errorf("nbformat: %w", err)
	}
	if raw := take("nbformat_minor"); raw != nil {
		if err := json.Unmarshal(raw, &nb.NbformatMinor); err != nil {
			return fmt.Errorf("nbformat_minor: %w", err)
		}
	}
	if nb.Nbformat != 4 {
		return fmt.Errorf("nbformat %d is not supported (want 4)", nb.Nbformat)
	}
	if err := json.Unmarshal(take("cells"), &nb.Cells); err != nil {
		return fmt.Errorf("cells: %w", err)
	}
	nb.Metadata = take("metadata")
	nb.extra = m
	return nil
}

func (nb *notebook) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for k, v := range nb.extra {
		m[k] = v
	}
	cells := nb.Cells
	if cells == nil {
		cells = []*nbCell{}
	}
	m["cells"] = cells
	if nb.Metadata != nil {
		m["metadata"] = nb.Metadata
	} else {
		m["metadata"] = map[string]any{}
	}
	m["nbformat"] = nb.Nbformat
	m["nbformat_minor"] = nb.NbformatMinor
	return marshalNoEscape(m)
}

// marshalNoEscape is json.Marshal without HTML escaping (notebooks are full
// of HTML; Jupyter does not escape it either).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// parseNotebook decodes an nbformat 4 notebook.
func parseNotebook(b []byte) (*notebook, error) {
	nb := new(notebook)
	if err := json.Unmarshal(b, nb); err != nil {
		return nil, err
	}
	return nb, nil
}

// readNotebook reads an nbformat 4 notebook from a file.
func readNotebook(path string) (*notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := parseNotebook(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not an nbformat 4 notebook: %w", path, err)
	}
	return nb, nil
}

// encode renders the notebook as Jupyter does: sorted keys, one-space indent,
// unescaped HTML, trailing newline.
func (nb *notebook) encode() ([]byte, error) {
	b, err := marshalNoEscape(nb)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// writeNotebook writes the notebook to path atomically.
func writeNotebook(path string, nb *notebook) error {
	b, err := nb.encode()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// kernelName returns metadata.kernelspec.name, or "" when absent.
func (nb *notebook) kernelName() string {
	var md struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	}
	_ = json.Unmarshal(nb.Metadata, &md)
	return md.Kernelspec.Name
}

// tags returns metadata.tags of a cell.
func (c *nbCell) tags() []string {
	var md struct {
		Tags []string `json:"tags"`
	}
	_ = json.Unmarshal(c.Metadata, &md)
	return md.Tags
}

func (c *nbCell) hasTag(tag string) bool {
	for _, t := range c.tags() {
		if t == tag {
			return true
		}
	}
	return false
}
