package interp

// Preparing a chunk's text: the rewrites that need no types, run on
// every chunk of a cell before go/types checks the cell (see splitCellIn).

// wrap returns what goes around the chunk's text to parse it as a file.
func (c *chunk) wrap(n int) (prefix, suffix string) {
	switch c.kind {
	case kindImport, kindDecl:
		return "package p;" + c.directive(n), ""
	}
	return "package p;func _(){" + c.directive(n), "\n}"
}

// prepare applies the rewrites that need no types to the chunk's text:
// names of main, init and generic functions, builtins yaegi lacks, method
// expressions, print/println, and variable initializers (see each).
func (c *chunk) prepare(n int, names *userNames) error {
	if c.kind == kindImport {
		return nil
	}
	prefix, suffix := c.wrap(n)
	c.text, c.lits = shipRewrite(prefix, c.text, suffix, c.kind == kindStmt, names.lookupFuncSig)
	c.text = names.rename(prefix, c.text, suffix)
	if err := namedBasicCheck(prefix, c.text, suffix, names.namedBasic, names.underlying); err != nil {
		return err
	}
	c.text = typeSwitchRewrite(prefix, c.text, suffix, c.kind == kindStmt)
	text, vars, err := builtinRewrite(prefix, c.text, suffix, c.kind == kindStmt, names)
	if err != nil {
		return err
	}
	if c.varTypes == nil {
		c.varTypes = map[string]string{}
	}
	for k, t := range vars {
		c.varTypes[k] = t
	}
	text = methodExprRewrite(prefix, text, suffix, names.lookupMethod)
	text = typeArgsRewrite(prefix, text, suffix, names.lookupGeneric)
	c.text = typeNameRewrite(prefix, text, suffix, names.isCellType, names.lookupVarType)
	if err := hiddenStringers(prefix, c.text, suffix, names.hasStringMethod, names.isCellType, names.lookupVarType); err != nil {
		return err
	}
	c.text = recoverRewrite(prefix, c.text, suffix, c.kind == kindStmt, names.shadowed)
	c.text = recvReturnRewrite(prefix, c.text, suffix)
	c.text = genericRename(prefix, c.text, suffix, names.isGenericFunc)
	c.text = varInitRewrite(prefix, c.text, suffix, c.kind == kindStmt)
	return nil
}

// A textSeg places a chunk's text in the text go/types checks (see
// splitCellIn): text[at:at+end-start] is checked[start:end].
type textSeg struct{ at, start, end int }
