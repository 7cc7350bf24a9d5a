package interp

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// Code shipping: what a worker process needs to run a task function that a
// cell defined. The session logs the declarations of its cells as they
// run, each top-level item as one unit named by the sha256 of its source
// (a header line //warren:cell N line L, then the item as the cell wrote
// it: the worker's session applies warren's rewrites itself). ShipFunc
// names the function behind a value given to ray.Remote and the units it
// needs; LoadFunc, in a worker's session, runs those units as a cell and
// returns the function.
//
// What is replayed on a worker: imports, types with their methods,
// constants, functions, function literals given to ray.Remote, ray.NewActor
// or an actor's Remote (lifted to top-level functions, see shiprewrite.go), and top-level variables whose
// value is ray.Remote(…) with constant options (var f = ray.Remote(…)),
// never assigned again. What is not: every other statement of the cells
// (prints, ray.Init, I/O, goroutines). Every other variable a task
// function uses, directly or through the functions it calls, travels by
// value with the function when its type is made of predeclared types (see
// shipvar.go); otherwise the function is refused at submit with an error
// saying to pass the value as an argument. Only the units the function
// needs are shipped. Modules fetched with %go get (or by an import) and
// %%native cells are units too, rebuilt by the worker: see shipnative.go.

// unitKind says what a logged unit declares.
type unitKind int

const (
	unitImport unitKind = iota
	unitDecl            // types, consts, funcs, methods
	unitVar             // a top-level variable
	unitLit             // a function literal lifted to a top-level func
)

// A declUnit is one logged top-level item of a cell.
type declUnit struct {
	hash  string
	src   string // header line, then the item
	kind  unitKind
	cell  int // the session's cell number
	line  int // the item's first line in its cell
	seq   int // log order
	names []string
	path  string          // unitImport: the import path
	recv  string          // a method's receiver type
	refs  map[string]bool // names it uses and does not declare
	why   string          // unitVar: why a worker cannot have it ("" if it can)
	// vtypes are a unitVar's variables' types as its source says them
	// (an explicit type, a composite or basic literal's), if it does.
	vtypes map[string]string
	// deps are the units its refs named when its chunk ran (nil for
	// lifted literals): the interpreter binds a name when it compiles a
	// use, so a unit declared again later is not what this one calls.
	deps map[string]*declUnit
	// needs are units it needs besides its refs: an import's or a native
	// cell's modules, a native cell's earlier native cells (shipnative.go).
	needs  []*declUnit
	native *nativeInfo // unitNative: what its declarations use
}

// maxShipFuncs bounds the functions the session remembers (see shipHook):
// the oldest are forgotten, and shipping one of them is an error.
const maxShipFuncs = 4096

// A shipLog is a session's declaration log and the functions its cells
// gave ray.Remote.
type shipLog struct {
	mu       sync.Mutex
	seq      int
	byHash   map[string]*declUnit
	byName   map[string]*declUnit            // the current unit of each top-level name
	methods  map[string]map[string]*declUnit // receiver type → method → unit
	builtin  map[string]bool                 // import paths every worker has (not %go get modules)
	funcs    map[unsafe.Pointer]shipFunc     // closure → what its ray.Remote call said
	fifo     []unsafe.Pointer                // funcs, oldest first
	shipped  map[unsafe.Pointer]shipResult   // ShipFunc's answers, valid while seq is unchanged
	loaded   map[string]bool                 // worker side: units run in this session
	values   map[string]reflect.Value        // worker side: functions LoadFunc looked up
	loadMu   sync.Mutex                      // one LoadFunc replays at a time
	loadCell int                             // worker side: replay cells so far
	replay   []loadedUnit                    // worker side: the units of the cell LoadFunc runs
	added    []*declUnit                     // the units logChunk logged so far
	nat      shipNative                      // native cells and modules (shipnative.go)
	captures map[varKey]*varCapture          // the values of variables shipped functions use (shipvar.go)
	id       string                          // names this log's values of variables (shipvar.go)
	assigns  int                             // values of variables sent so far: their versions
	applied  map[string]int                  // worker side: the latest value applied per log and variable
	definer  map[string]string               // worker side: the unit that last declared each name (shipbind.go)
	binds    map[string]*unitBinds           // worker side: what each unit run declares and was compiled against
	// varOf returns a top-level variable's value and its type as go/types
	// told it ("" if unknown): Session.shipVar.
	varOf func(name string) (typ string, v reflect.Value)
}

// A shipFunc is a function value given to ray.Remote in a cell, kept
// alive so that its closure pointer names it alone.
type shipFunc struct {
	key  string // see shipRewrite
	fn   any
	root *declUnit // the unit declaring the function when ray.Remote got it (nil: look it up at ship)
}

type shipResult struct {
	seq   int
	name  string
	decls []string
	vars  []capturedVar // valid while they have these values
	err   error
}

func newShipLog(builtin map[string]bool) *shipLog {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	return &shipLog{
		id:      hex.EncodeToString(id),
		applied: map[string]int{},
		definer: map[string]string{},
		binds:   map[string]*unitBinds{},
		byHash:  map[string]*declUnit{},
		byName:  map[string]*declUnit{},
		methods: map[string]map[string]*declUnit{},
		builtin: builtin,
		funcs:   map[unsafe.Pointer]shipFunc{},
		shipped: map[unsafe.Pointer]shipResult{},
		loaded:  map[string]bool{},
		values:  map[string]reflect.Value{},
	}
}

// closurePtr returns the closure of a func value: the data word of the
// interface holding it (func values are pointers to their closure). Every
// interpreted function reaches compiled code as a closure of its own.
func closurePtr(fn any) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&fn))[1]
}

// shipHook is __warren.Ship: it remembers which function fn is (key, see
// shipRewrite) and returns fn unchanged for ray.Remote.
func (s *Session) shipHook(key string, fn any) any {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fn // ray.Remote reports it
	}
	l := s.ship
	p := closurePtr(fn)
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.funcs[p]; !ok {
		l.fifo = append(l.fifo, p)
	}
	// The unit that declares the function now: a cell may declare the
	// name again later, and this value is still the function of this unit.
	var root *declUnit
	if !strings.HasPrefix(key, "!") && !strings.HasPrefix(key, "sel:") {
		root = l.byName[strings.TrimPrefix(key, "lit:")]
	}
	l.funcs[p] = shipFunc{key, fn, root}
	delete(l.shipped, p)
	for len(l.fifo) > maxShipFuncs {
		delete(l.funcs, l.fifo[0])
		delete(l.shipped, l.fifo[0])
		l.fifo = l.fifo[1:]
	}
	return fn
}

// origin returns where line of cell n comes from: the driver's cell and
// line when n is a cell LoadFunc runs, so that a worker logs a replayed
// unit with the driver's header, under the driver's hash (and its errors
// name the driver's cells). The caller holds l.mu.
func (l *shipLog) origin(n, line int) (int, int) {
	for _, u := range l.replay {
		if u.first <= line && line <= u.last && u.cell > 0 {
			return u.cell, u.line + line - u.first
		}
	}
	return n, line
}

// add logs a unit; the caller holds l.mu.
func (l *shipLog) add(u *declUnit) {
	u.cell, u.line = l.origin(u.cell, u.line)
	if u.kind == unitVar && u.why != "" {
		// Never replayed (a function using it is refused, saying why):
		// only its names and why are kept, not its source (a session
		// defines thousands of such variables).
		u.src, u.refs = "", nil
		for _, n := range u.names {
			l.byName[n] = u
		}
		return
	}
	u.setSource(u.src)
	l.seq++
	u.seq = l.seq
	l.byHash[u.hash] = u
	l.added = append(l.added, u)
	if u.recv != "" {
		if l.methods[u.recv] == nil {
			l.methods[u.recv] = map[string]*declUnit{}
		}
		if _, ok := l.methods[u.recv][u.names[0]]; !ok {
			l.methods[u.recv][u.names[0]] = u // yaegi keeps a type's first methods
		}
		return
	}
	for _, n := range u.names {
		if old := l.byName[n]; old != nil && old.kind == unitDecl && old.types() && u.kind == unitDecl {
			continue // yaegi keeps a type's first definition
		}
		l.byName[n] = u
	}
}

// setSource gives u its source, body under a header naming u's cell and
// line, and that source's hash.
func (u *declUnit) setSource(body string) {
	u.src = fmt.Sprintf("//warren:cell %d line %d\n%s", u.cell, u.line, body)
	u.hash = sourceHash(u.src)
}

// sourceHash returns the SHA-256 of src in hex: the name of a unit.
func sourceHash(src string) string {
	h := sha256.Sum256([]byte(src))
	return hex.EncodeToString(h[:])
}

// types reports whether the unit declares types.
func (u *declUnit) types() bool {
	return strings.HasPrefix(strings.TrimSpace(u.src[strings.IndexByte(u.src, '\n')+1:]), "type")
}

// logLits logs the function literals a cell lifted (before the cell runs:
// its ray.Remote calls need them).
func (s *Session) logLits(n int, chunks []*chunk) {
	l := s.ship
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ch := range chunks {
		for _, lit := range ch.lits {
			if u := l.byName[lit.name]; u != nil && u.kind == unitLit {
				continue // the same text: the same function
			}
			u := &declUnit{src: lit.src, kind: unitLit, cell: n, line: lit.line, names: []string{lit.name}}
			if f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+lit.src, 0); err == nil {
				u.refs = unresolved(f)
				delete(u.refs, lit.name)
			}
			l.add(u)
		}
	}
}

// logChunk logs the declarations of a chunk that ran without error, and
// notes the top-level variables its code assigns.
func (s *Session) logChunk(n int, ch *chunk) {
	l := s.ship
	l.mu.Lock()
	defer l.mu.Unlock()
	l.added = l.added[:0]
	defer func() {
		// What the chunk's units use, as the chunk sees it (all of its
		// own declarations included).
		for _, u := range l.added {
			u.deps = map[string]*declUnit{}
			for r := range u.refs {
				if d := l.byName[r]; d != nil {
					u.deps[r] = d
				}
			}
		}
	}()
	for _, it := range ch.items {
		var f *ast.File
		var err error
		if it.kind == kindStmt {
			f, err = parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+it.text+"\n}", 0)
		} else {
			f, err = parser.ParseFile(token.NewFileSet(), "", "package p;"+it.text, 0)
		}
		if err != nil {
			continue
		}
		refs := unresolved(f)
		switch it.kind {
		case kindImport:
			for _, imp := range f.Imports {
				spec := importSpec{path: strings.Trim(imp.Path.Value, "`\"")}
				if imp.Name != nil {
					spec.name = imp.Name.Name
				}
				if spec.path == rayModulePath || spec.path == "ray" {
					continue // the prelude's
				}
				name := spec.localName()
				if name == "_" || name == "." {
					continue
				}
				l.add(&declUnit{src: "import " + spec.String(), kind: unitImport, cell: n, line: it.line, names: []string{name}, path: spec.path})
			}
		case kindDecl:
			for _, d := range f.Decls {
				u := &declUnit{src: it.text, kind: unitDecl, cell: n, line: it.line, refs: refs}
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && (d.Name.Name == "main" || d.Name.Name == "init") {
						continue
					}
					u.names = []string{d.Name.Name}
					if d.Recv != nil {
						u.recv = recvName(d.Recv)
					}
				case *ast.GenDecl:
					u.names = genDeclNames(d)
					if d.Tok == token.VAR {
						u.kind = unitVar
						u.why = "declared in cell[" + fmt.Sprint(n) + "]"
						u.vtypes = map[string]string{}
						for _, sp := range d.Specs {
							maps.Copy(u.vtypes, specTypes(sp.(*ast.ValueSpec)))
						}
					}
				}
				for _, name := range u.names {
					delete(refs, name)
				}
				if len(u.names) > 0 {
					l.add(u)
				}
			}
		case kindStmt:
			body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
			for _, st := range body {
				var names []string
				var value ast.Expr
				var vtypes map[string]string
				switch st := st.(type) {
				case *ast.DeclStmt:
					g, ok := st.Decl.(*ast.GenDecl)
					if !ok || g.Tok != token.VAR {
						continue
					}
					names = genDeclNames(g)
					if sp, ok := g.Specs[0].(*ast.ValueSpec); ok && len(g.Specs) == 1 && len(sp.Names) == 1 && len(sp.Values) == 1 {
						value = sp.Values[0]
					}
					vtypes = map[string]string{}
					for _, sp := range g.Specs {
						maps.Copy(vtypes, specTypes(sp.(*ast.ValueSpec)))
					}
				case *ast.AssignStmt:
					if st.Tok != token.DEFINE {
						continue
					}
					for _, x := range st.Lhs {
						if id, ok := x.(*ast.Ident); ok && id.Name != "_" {
							names = append(names, id.Name)
						}
					}
					if len(st.Lhs) == 1 && len(st.Rhs) == 1 {
						value = st.Rhs[0]
						if t := literalType(value); t != "" && len(names) == 1 {
							vtypes = map[string]string{names[0]: t}
						}
					}
				}
				if len(names) == 0 {
					continue
				}
				u := &declUnit{src: it.text, kind: unitVar, cell: n, line: it.line, names: names, refs: refs, vtypes: vtypes}
				for _, name := range names {
					delete(refs, name)
				}
				if value == nil || !remoteExpr(value) {
					u.why = "which the statements of cell[" + fmt.Sprint(n) + "] set"
				}
				l.add(u)
			}
		}
		// Assignments to top-level variables, anywhere in the item: such
		// a variable may no longer hold what its declaration says.
		ast.Inspect(f, func(nd ast.Node) bool {
			var lhs []ast.Expr
			switch nd := nd.(type) {
			case *ast.AssignStmt:
				if nd.Tok != token.DEFINE {
					lhs = nd.Lhs
				}
			case *ast.IncDecStmt:
				lhs = []ast.Expr{nd.X}
			case *ast.UnaryExpr:
				if nd.Op == token.AND {
					lhs = []ast.Expr{nd.X}
				}
			}
			for _, x := range lhs {
				id, ok := x.(*ast.Ident)
				if !ok || id.Obj != nil {
					continue
				}
				if u := l.byName[id.Name]; u != nil && u.kind == unitVar && u.why == "" {
					u.why = fmt.Sprintf("which cell[%d] line %d assigns", n, it.line)
					l.shipped = map[unsafe.Pointer]shipResult{}
				}
			}
			return true
		})
	}
}
