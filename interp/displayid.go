package interp

import "github.com/warren-go/warren/interp/display"

// A Clearer is an Output that can clear the cell's output (Jupyter's
// clear_output; with wait, when the next output arrives).
type Clearer interface {
	ClearOutput(wait bool)
}

// showID is display.ShowID for cells: a display of the caller's cell that
// updateDisplay can replace. Without display updates (warren run) it is
// shown as display.Show shows it.
func (s *Session) showID(id string, v any) {
	c := s.cellFor()
	if c == nil || c.out == nil {
		return
	}
	if u, ok := c.out.(DisplayUpdater); ok {
		u.DisplayID(id, display.BundleOf(v), map[string]any{})
		return
	}
	c.out.Display(display.BundleOf(v), map[string]any{})
}

// updateDisplay is display.Update for cells: the display id, made by
// ShowID (in this cell or an earlier one), shows v instead. Without display
// updates, v is shown below the cell.
func (s *Session) updateDisplay(id string, v any) {
	c := s.cellFor()
	if c == nil || c.out == nil {
		return
	}
	if u, ok := c.out.(DisplayUpdater); ok {
		u.UpdateDisplay(id, display.BundleOf(v), map[string]any{})
		return
	}
	c.out.Display(display.BundleOf(v), map[string]any{})
}

// clearOutput is display.Clear for cells: clear_output on the caller's
// cell; nothing where outputs cannot be cleared.
func (s *Session) clearOutput(wait bool) {
	c := s.cellFor()
	if c == nil || c.out == nil {
		return
	}
	if cl, ok := c.out.(Clearer); ok {
		cl.ClearOutput(wait)
	}
}
