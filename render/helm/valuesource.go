package helm

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"unicode/utf8"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// This file gives the template locator its related locations: the values
// file line that supplied the value at a path.
//
// For a path whose rendered value is a scalar, the template line the
// locator picked is split into its literal text and its actions. Every
// action that prints a values key ({{ .Values.image.tag }}, $.Values...,
// .tag inside {{ with .Values.image }}, with | quote, | default, ...) is
// looked up in the values files of the variant, in Helm's precedence order,
// and its printed form computed; the line is then matched against the
// rendered line. Only when the whole line matches does a key count, so a
// related location is never a guess: the key exists in that file and its
// value is what the template printed.

var _ render.RelatedLocator = (*locator)(nil)

// valueSources knows the values files of one variant of a chart.
type valueSources struct {
	fsys fs.FS
	root string            // repository-relative chart folder
	read map[string][]byte // files read with the chart, by repository path
	// variant are the variant's own values layers (repository paths of
	// values files, or ids of inline values), highest precedence first.
	variant []string
	// files maps the id of an inline values layer to its file.
	files map[string]string
	// origins are where some values of inline layers were set (Flux
	// post-build variables), by value node.
	origins map[*yaml.Node][]render.Related

	mu      sync.Mutex
	docs    map[string]*yaml.Node // parsed values files; nil when unreadable
	actions map[*tmpl]*tmplActions
}

// valueSources returns the values sources of the variant rendered with
// the values layers layers. An inline layer (values in an Application or a
// HelmRelease) is known by an id ("apps/web.yaml#2") whose document is the
// layer's node, and located in its file.
func (j *job) valueSources(layers []render.ValuesLayer) *valueSources {
	vs := &valueSources{fsys: j.fsys, root: j.dir, read: j.chart.read}
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		if l.Node == nil {
			if l.Values == nil {
				vs.variant = append(vs.variant, l.File)
			}
			continue
		}
		id := fmt.Sprintf("%s#%d", l.File, i)
		if vs.docs == nil {
			vs.docs, vs.files = map[string]*yaml.Node{}, map[string]string{}
		}
		vs.docs[id], vs.files[id] = l.Node, l.File
		vs.variant = append(vs.variant, id)
		for n, rs := range l.Origins {
			if vs.origins == nil {
				vs.origins = map[*yaml.Node][]render.Related{}
			}
			vs.origins[n] = rs
		}
	}
	return vs
}

// fileOf returns the file of a values source id.
func (vs *valueSources) fileOf(id string) string {
	if f, ok := vs.files[id]; ok {
		return f
	}
	return id
}

// setValueSources gives the template locators of a variant's objects the
// variant's values files.
func setValueSources(objs []rendered, vs *valueSources) {
	for _, r := range objs {
		if l, ok := r.obj.Locator.(*locator); ok {
			l.values = vs
		}
	}
}

// Related implements render.RelatedLocator: the values file keys that
// supplied the scalar value at p, as "value set here" (Value) locations.
func (l *locator) Related(p render.Path) []render.Related {
	if l.values == nil || l.marked == nil || l.t == nil || l.t.archive {
		return nil
	}
	n := render.FindNode(l.marked, p)
	val := valueAt(l.marked, p)
	if n == nil || val == nil || val.Kind != yaml.ScalarNode || val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil
	}
	line := l.templateLine(n)
	if val.Line != n.Line {
		line = l.templateLine(val)
	}
	if line <= 0 || val.Line < 1 || val.Line > len(l.lines) {
		return nil
	}
	return l.values.related(l.t, line, l.lines[val.Line-1], val)
}

// valueAt returns the node at p in the object node obj when the whole path
// exists, else nil.
func valueAt(obj *yaml.Node, p render.Path) *yaml.Node {
	cur := obj
	if cur != nil && cur.Kind == yaml.DocumentNode && len(cur.Content) > 0 {
		cur = cur.Content[0]
	}
	for _, s := range p {
		cur = render.ResolveAlias(cur)
		if cur == nil {
			return nil
		}
		switch {
		case s.IsKey:
			cur = render.MapValue(cur, s.Key)
		case s.Match != "":
			if cur.Kind != yaml.SequenceNode {
				return nil
			}
			var found *yaml.Node
			for _, e := range cur.Content {
				if v := render.MapValue(render.ResolveAlias(e), s.Match); v != nil && v.Kind == yaml.ScalarNode && v.Value == s.Value {
					found = e
					break
				}
			}
			cur = found
		default:
			if cur.Kind != yaml.SequenceNode || s.Index < 0 || s.Index >= len(cur.Content) {
				return nil
			}
			cur = cur.Content[s.Index]
		}
	}
	return render.ResolveAlias(cur)
}

// tmplActions is a template parsed for its values references: every action
// that prints something, by the offset of its "{{", with what dot is there.
type tmplActions struct {
	ok     bool
	spans  []span
	starts []int // byte offset of each line
	at     map[int]printed
}

// printed is an action that prints a value.
type printed struct {
	node *parse.ActionNode
	dot  dotCtx
}

// dotCtx is what dot holds where an action runs: the top-level context, a
// values key (inside {{ with .Values.image }}), or something unknown.
type dotCtx struct {
	root   bool
	values []string // the values path dot holds; valid when isVal
	isVal  bool
}

// actionsOf parses a template once per variant.
func (vs *valueSources) actionsOf(t *tmpl) *tmplActions {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if a, ok := vs.actions[t]; ok {
		return a
	}
	a := parseActions(t.key, t.src)
	if vs.actions == nil {
		vs.actions = map[*tmpl]*tmplActions{}
	}
	vs.actions[t] = a
	return a
}

func parseActions(name, src string) *tmplActions {
	a := &tmplActions{spans: actionSpans(src), at: map[int]printed{}}
	a.starts = append(a.starts, 0)
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			a.starts = append(a.starts, i+1)
		}
	}
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(src, "", "", map[string]*parse.Tree{}); err != nil || tr.Root == nil {
		return a
	}
	a.ok = true
	var walk func(n parse.Node, dot dotCtx)
	walk = func(n parse.Node, dot dotCtx) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c, dot)
			}
		case *parse.ActionNode:
			if i := a.spanAt(int(n.Pos)); i >= 0 {
				a.at[a.spans[i].start] = printed{n, dot}
			}
		case *parse.IfNode:
			walk(n.List, dot)
			walk(n.ElseList, dot)
		case *parse.WithNode:
			inner := dotCtx{}
			if r, ok := pipeRef(n.Pipe, dot); ok {
				inner = dotCtx{values: r, isVal: true}
			}
			walk(n.List, inner)
			walk(n.ElseList, dot)
		case *parse.RangeNode:
			walk(n.List, dotCtx{})
			walk(n.ElseList, dot)
		}
	}
	walk(tr.Root, dotCtx{root: true})
	return a
}

// spanAt returns the index of the action span holding offset o, or -1.
func (a *tmplActions) spanAt(o int) int {
	i, _ := slices.BinarySearchFunc(a.spans, o, func(s span, o int) int {
		switch {
		case s.end <= o:
			return -1
		case s.start > o:
			return 1
		}
		return 0
	})
	if i < len(a.spans) && a.spans[i].start <= o && o < a.spans[i].end {
		return i
	}
	return -1
}

// pipeRef returns the values path of a pipeline that is just a values
// reference ({{ with .Values.image }}).
func pipeRef(p *parse.PipeNode, dot dotCtx) ([]string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil, false
	}
	return argRef(p.Cmds[0].Args[0], dot)
}

// argRef returns the values path an argument refers to: .Values.a.b at the
// top level, $.Values.a.b anywhere, .b or . inside a with of a values key.
func argRef(n parse.Node, dot dotCtx) ([]string, bool) {
	switch n := n.(type) {
	case *parse.FieldNode:
		switch {
		case dot.root && len(n.Ident) > 1 && n.Ident[0] == "Values":
			return n.Ident[1:], true
		case dot.isVal:
			return append(slices.Clone(dot.values), n.Ident...), true
		}
	case *parse.VariableNode:
		if len(n.Ident) > 2 && n.Ident[0] == "$" && n.Ident[1] == "Values" {
			return n.Ident[2:], true
		}
	case *parse.DotNode:
		if dot.isVal && len(dot.values) > 0 {
			return slices.Clone(dot.values), true
		}
	}
	return nil, false
}

// A piece of a template line: literal text, the printed form of a values
// key, or the output of an action whose output is not known.
type piece struct {
	text  string
	known bool // text is the printed form of hit
	wild  bool // output unknown
	hit   valueHit
	ref   []string // the values path of hit
	start int      // offset in the rendered segment, once matched
}

// valueHit is a values key found in a values file.
type valueHit struct {
	file string
	key  *yaml.Node
	val  *yaml.Node
}

// related returns the values keys printed into the scalar val, which is on
// the rendered line rendered, written by template line line of t.
func (vs *valueSources) related(t *tmpl, line int, rendered string, val *yaml.Node) []render.Related {
	a := vs.actionsOf(t)
	if !a.ok || line < 1 || line > len(a.starts) {
		return nil
	}
	pieces, ok := vs.linePieces(t, a, line)
	if !ok {
		return nil
	}
	seg, off, ok := segment(rendered, line)
	if !ok {
		return nil
	}
	// Leading blanks may be eaten by a {{- on the line before: compare
	// from the first non-blank.
	lead := len(seg) - len(strings.TrimLeft(seg, " \t"))
	if len(pieces) > 0 && !pieces[0].known && !pieces[0].wild {
		pieces[0].text = strings.TrimLeft(pieces[0].text, " \t")
	}
	wilds := 0
	for _, pc := range pieces {
		if pc.wild {
			wilds++
		}
	}
	if wilds > 4 || len(pieces) > 64 || !matchPieces(pieces, seg[lead:], 0, new(int)) {
		return nil
	}
	// The value's span in the segment.
	vstart := byteOffset(rendered, val.Column-1) - off - lead
	vend, istart, iend, ok := scalarSpan(seg[lead:], vstart, val)
	if !ok {
		return nil
	}
	// The values keys printed inside the value, and whether anything else
	// of unknown origin is printed into it.
	var parts []piece
	mixed := false
	for _, pc := range pieces {
		end := pc.start + len(pc.text)
		switch {
		case pc.wild:
			mixed = mixed || end > istart && pc.start < iend
		case !pc.known || pc.start < vstart || end > vend:
		case pc.text == "" && wilds > 0:
		default:
			parts = append(parts, pc)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	single := len(parts) == 1 && !mixed
	var out []render.Related
	for _, pc := range parts {
		at := pc.hit.key
		if v := pc.hit.val; v != nil && v.Line == at.Line && v.Column == at.Column {
			at = v // a --set style key placed at its value: show the value
		}
		r := render.Related{Location: render.NodeLocation(vs.fileOf(pc.hit.file), at), Message: "value set here", Value: true, Sets: true}
		if !single {
			// Several keys make the value: each is a part; only the
			// variant's own file can be where this variant differs.
			r.Message = "part of the value set here"
			r.Value = slices.Contains(vs.variant, pc.hit.file) && !vs.sameAsDefault(t, pc)
		}
		// A value a Flux variable set: the variable is where it is set,
		// the values line is only where it is used.
		if origin := vs.origins[pc.hit.val]; len(origin) > 0 {
			for _, o := range origin {
				o.Value = o.Value && r.Value
				out = appendRelatedOnce(out, o)
			}
			r.Value = false
		}
		out = appendRelatedOnce(out, r)
	}
	return out
}

// sameAsDefault reports whether a part the variant's file set prints the
// same without the variant (the chart's values.yaml has the same value):
// the variant did not change that part.
func (vs *valueSources) sameAsDefault(t *tmpl, pc piece) bool {
	hit, ok := vs.lookupIn(t, pc.ref, nil)
	if !ok {
		return false
	}
	a, ok1 := printedForm(hit.val)
	b, ok2 := printedForm(pc.hit.val)
	return ok1 && ok2 && a == b
}

// linePieces splits template line n of t into literal text and the output
// of its actions. It fails when an action spans lines or controls the flow.
func (vs *valueSources) linePieces(t *tmpl, a *tmplActions, n int) ([]piece, bool) {
	src := t.src
	ls := a.starts[n-1]
	le := len(src)
	if n < len(a.starts) {
		le = a.starts[n] - 1
	}
	if le > ls && src[le-1] == '\r' {
		le--
	}
	var pieces []piece
	at := ls
	trimNext := false
	first, _ := slices.BinarySearchFunc(a.spans, ls, func(sp span, ls int) int {
		if sp.end <= ls {
			return -1
		}
		return 1
	})
	for _, sp := range a.spans[first:] {
		if sp.start >= le {
			break
		}
		if sp.start < ls || sp.end > le {
			return nil, false
		}
		lit := src[at:sp.start]
		if trimNext {
			lit = strings.TrimLeft(lit, " \t")
		}
		body := src[sp.start:sp.end]
		if strings.HasPrefix(body, "{{- ") || strings.HasPrefix(body, "{{-\t") {
			lit = strings.TrimRight(lit, " \t")
		}
		trimNext = strings.HasSuffix(body, " -}}") || strings.HasSuffix(body, "\t-}}")
		if lit != "" {
			pieces = append(pieces, piece{text: lit})
		}
		at = sp.end
		if isComment(body) {
			continue
		}
		pr, ok := a.at[sp.start]
		if !ok {
			return nil, false // if, with, range, end, template...
		}
		pc, ok := vs.output(t, pr)
		if !ok {
			return nil, false
		}
		pieces = append(pieces, pc)
	}
	lit := strings.TrimRight(src[at:le], " \t")
	if trimNext {
		lit = strings.TrimLeft(lit, " \t")
	}
	if lit != "" {
		pieces = append(pieces, piece{text: lit})
	}
	// The rendered segment is compared without trailing blanks.
	for len(pieces) > 0 && !pieces[len(pieces)-1].known && !pieces[len(pieces)-1].wild {
		last := &pieces[len(pieces)-1]
		if last.text = strings.TrimRight(last.text, " \t"); last.text != "" {
			break
		}
		pieces = pieces[:len(pieces)-1]
	}
	return pieces, true
}

func isComment(body string) bool {
	b := strings.TrimPrefix(body, "{{")
	b = strings.TrimLeft(strings.TrimPrefix(b, "-"), " \t")
	return strings.HasPrefix(b, "/*")
}

// output returns what an action prints: the printed form of a values key
// when the pipeline is a values reference followed by functions that keep
// or quote it, nothing for a declaration, else an unknown output.
func (vs *valueSources) output(t *tmpl, pr printed) (piece, bool) {
	p := pr.node.Pipe
	if p == nil {
		return piece{wild: true}, true
	}
	if len(p.Decl) > 0 {
		return piece{}, true // {{ $x := ... }} prints nothing
	}
	if len(p.Cmds) == 0 {
		return piece{wild: true}, true
	}
	// The first command: a reference, or fn args... ending in one.
	var ref []string
	var ops []string
	first := p.Cmds[0]
	switch {
	case len(first.Args) == 1:
		r, ok := argRef(first.Args[0], pr.dot)
		if !ok {
			return piece{wild: true}, true
		}
		ref = r
	case len(first.Args) >= 2:
		fn, ok := first.Args[0].(*parse.IdentifierNode)
		if !ok {
			return piece{wild: true}, true
		}
		r, ok := argRef(first.Args[len(first.Args)-1], pr.dot)
		if !ok || !keeps(fn.Ident, len(first.Args)) {
			return piece{wild: true}, true
		}
		ref, ops = r, append(ops, fn.Ident)
	default:
		return piece{wild: true}, true
	}
	for _, c := range p.Cmds[1:] {
		if len(c.Args) == 0 {
			return piece{wild: true}, true
		}
		fn, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !keeps(fn.Ident, len(c.Args)+1) {
			return piece{wild: true}, true
		}
		ops = append(ops, fn.Ident)
	}
	hit, ok := vs.lookup(t, ref)
	if !ok {
		return piece{wild: true}, true
	}
	text, ok := printedForm(hit.val)
	if !ok {
		return piece{wild: true}, true
	}
	tag := hit.val.ShortTag()
	for _, op := range ops {
		switch op {
		case "default":
			if empty(hit.val) {
				return piece{wild: true}, true
			}
		case "quote":
			text = strconv.Quote(text)
		case "squote":
			text = "'" + text + "'"
		case "int", "int64":
			if tag != "!!int" {
				return piece{wild: true}, true
			}
		}
	}
	return piece{text: text, known: true, hit: hit, ref: ref}, true
}

// keeps reports whether function fn, called with n arguments (the piped
// value included), prints its last argument unchanged or quoted.
func keeps(fn string, n int) bool {
	switch fn {
	case "default":
		return n == 3
	case "quote", "squote", "toString", "int", "int64":
		return n == 2
	}
	return false
}

// printedForm returns how Helm prints a scalar values node: values are
// read through JSON, so numbers are float64 (1000000 prints as 1e+06).
func printedForm(v *yaml.Node) (string, bool) {
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", false
	}
	switch v.ShortTag() {
	case "!!str":
		return v.Value, true
	case "!!int":
		i, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
		if err != nil {
			return "", false
		}
		return fmt.Sprint(float64(i)), true
	case "!!float":
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return "", false
		}
		return fmt.Sprint(f), true
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(v.Value))
		if err != nil {
			return "", false
		}
		return strconv.FormatBool(b), true
	}
	return "", false
}

// empty is sprig's empty for a scalar values node.
func empty(v *yaml.Node) bool {
	s, _ := printedForm(v)
	switch v.ShortTag() {
	case "!!str":
		return v.Value == ""
	case "!!int", "!!float":
		return s == "0"
	case "!!bool":
		return s == "false"
	}
	return false
}

// lookup finds values key ref of the chart of template t in the variant's
// values files, in Helm's precedence order: the variant's files, then the
// values.yaml of the chart and, for a subchart, its parents' overrides
// (<subchart>.key) before the subchart's own values.yaml. The first file
// that has the key wins.
func (vs *valueSources) lookup(t *tmpl, ref []string) (valueHit, bool) {
	return vs.lookupIn(t, ref, vs.variant)
}

// lookupIn is lookup with the given variant files.
func (vs *valueSources) lookupIn(t *tmpl, ref []string, variant []string) (valueHit, bool) {
	if len(ref) == 0 {
		return valueHit{}, false
	}
	levels, ok := vs.chain(t)
	if !ok {
		return valueHit{}, false
	}
	names := levels[len(levels)-1].names // the subchart names from the root
	global := ref[0] == "global"
	full := func(prefix []string) []string {
		if global {
			return ref
		}
		return append(slices.Clone(prefix), ref...)
	}
	type try struct {
		file string
		key  []string
	}
	var tries []try
	for _, f := range variant {
		tries = append(tries, try{f, full(names)})
	}
	for _, lv := range levels {
		tries = append(tries, try{path.Join(lv.dir, "values.yaml"), full(names[len(lv.names):])})
	}
	for _, tr := range tries {
		k, v := vs.find(tr.file, tr.key)
		if k != nil {
			return valueHit{file: tr.file, key: k, val: v}, v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null"
		}
	}
	return valueHit{}, false
}

// level is one chart from the root chart down to a template's chart: its
// folder and the subchart names (aliases) that lead to it.
type level struct {
	dir   string
	names []string
}

// chain returns the charts from the root chart to the chart of template t.
func (vs *valueSources) chain(t *tmpl) ([]level, bool) {
	segs := strings.Split(t.key, "/")
	var names []string
	i := 1
	for i+2 < len(segs) && segs[i] == "charts" {
		names = append(names, segs[i+1])
		i += 2
	}
	name := strings.Join(segs[i:], "/")
	dir, ok := strings.CutSuffix(t.file, "/"+name)
	if t.file == name {
		dir, ok = ".", true
	}
	if !ok || name == "" {
		return nil, false
	}
	levels := make([]level, len(names)+1)
	for k := len(names); k >= 0; k-- {
		levels[k] = level{dir: dir, names: names[:k]}
		if k > 0 {
			if path.Base(path.Dir(dir)) != "charts" {
				return nil, false
			}
			dir = path.Dir(path.Dir(dir))
		}
	}
	return levels, levels[0].dir == vs.root
}

// find returns the key and value nodes of key path keys in values file
// file, or nil.
func (vs *valueSources) find(file string, keys []string) (key, val *yaml.Node) {
	cur := vs.doc(file)
	for _, k := range keys {
		key, cur = render.MapKey(cur, k)
		if key == nil {
			return nil, nil
		}
	}
	return key, cur
}

// doc returns the mapping node of a values file, parsed once.
func (vs *valueSources) doc(file string) *yaml.Node {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if d, ok := vs.docs[file]; ok {
		return d
	}
	if vs.docs == nil {
		vs.docs = map[string]*yaml.Node{}
	}
	var m *yaml.Node
	b, ok := vs.read[file]
	if !ok {
		var err error
		if b, err = readRepoFile(vs.fsys, file); err != nil {
			b = nil
		}
	}
	var n yaml.Node
	if b != nil && yaml.Unmarshal(b, &n) == nil && len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode {
		m = n.Content[0]
	}
	vs.docs[file] = m
	return m
}

// segment returns the part of a rendered line that template line n wrote
// (up to its marker, after any marker before it), markers removed, and its
// offset in the line.
func segment(rendered string, n int) (string, int, bool) {
	ms := markerRE.FindAllStringSubmatchIndex(rendered, -1)
	start, end := 0, len(rendered)
	found := len(ms) == 0
	for _, m := range ms {
		v, _ := strconv.Atoi(rendered[m[2]:m[3]])
		if v == n {
			end, found = m[0], true
			break
		}
		start = m[1]
	}
	if !found {
		return "", 0, false
	}
	seg := strings.TrimRight(rendered[start:end], " \t\r")
	return seg, start, true
}

// matchPieces matches pieces against s from offset at, recording where each
// piece starts; unknown outputs match any text. budget bounds the search.
func matchPieces(ps []piece, s string, at int, budget *int) bool {
	if *budget++; *budget > 10000 {
		return false
	}
	if len(ps) == 0 {
		return at == len(s)
	}
	p := &ps[0]
	p.start = at
	if !p.wild {
		return strings.HasPrefix(s[at:], p.text) && matchPieces(ps[1:], s, at+len(p.text), budget)
	}
	for end := at; end <= len(s); end++ {
		p.text = s[at:end]
		if matchPieces(ps[1:], s, end, budget) {
			return true
		}
	}
	return false
}

// byteOffset returns the byte offset of rune column col (from 0) in s.
func byteOffset(s string, col int) int {
	for i := range s {
		if col == 0 {
			return i
		}
		col--
	}
	return len(s)
}

// scalarSpan returns the end of the scalar val that starts at offset start
// of s, and the span of its content (inside the quotes).
func scalarSpan(s string, start int, val *yaml.Node) (end, istart, iend int, ok bool) {
	if start < 0 || start > len(s) {
		return 0, 0, 0, false
	}
	switch val.Style {
	case yaml.DoubleQuotedStyle:
		for i := start + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1, start + 1, i, true
			}
		}
	case yaml.SingleQuotedStyle:
		for i := start + 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, start + 1, i, true
			}
		}
	default:
		if strings.HasPrefix(s[start:], val.Value) && utf8.ValidString(val.Value) {
			e := start + len(val.Value)
			return e, start, e, true
		}
	}
	return 0, 0, 0, false
}

// appendRelatedOnce appends r unless a related location of out is there.
func appendRelatedOnce(out []render.Related, r render.Related) []render.Related {
	if slices.ContainsFunc(out, func(o render.Related) bool { return o.Location == r.Location }) {
		return out
	}
	return append(out, r)
}
