package kustomize

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/types"
)

// sourcesOf returns the patch and transformer entries of kz, latest applied
// first. Generators run first (a generator with behavior merge or replace
// changes an inner kustomization's generated object), then the builtin
// transformers in a fixed order: patchesStrategicMerge, patches, namespace,
// prefix and suffix, labels, annotations, patchesJson6902, replicas,
// images.
func (mp *mapper) sourcesOf(kz *kustomization) []source {
	if s, ok := mp.sources[kz]; ok {
		return s
	}
	var s []source
	s = append(s, imageSources(kz)...)
	s = append(s, replicaSources(kz)...)
	s = append(s, reversed(mp.patchSources(kz, "patchesJson6902", kz.k.PatchesJson6902))...)
	s = append(s, pairSources(kz, kz.node, "commonAnnotations", "annotations")...)
	s = append(s, labelSources(kz)...)
	s = append(s, namespaceSources(kz)...)
	s = append(s, reversed(mp.patchSources(kz, "patches", kz.k.Patches))...)
	s = append(s, reversed(mp.smpSources(kz))...)
	s = append(s, reversed(mp.generatorSources(kz))...)
	mp.sources[kz] = s
	return s
}

// reversed returns s in reverse order.
func reversed(s []source) []source {
	slices.Reverse(s)
	return s
}

// span maps positions in a parsed patch to the file that holds it: a patch
// file as is, an inline literal block (patch: |) shifted by its line and
// indentation, and any other inline patch at its key.
type span struct {
	file      string
	line, col int
	whole     *yaml.Node
}

// at returns the location of node n of the patch.
func (s span) at(n *yaml.Node) render.Location {
	if s.whole != nil {
		return render.NodeLocation(s.file, s.whole)
	}
	loc := render.NodeLocation(s.file, n)
	loc.Line += s.line
	loc.EndLine += s.line
	loc.Col += s.col
	loc.EndCol += s.col
	return loc
}

// inlineSpan returns the span of an inline patch: val is its scalar, key
// the node to show when positions cannot be mapped.
func inlineSpan(kz *kustomization, key, val *yaml.Node) span {
	if val.Style&yaml.LiteralStyle == 0 {
		return span{file: kz.file, whole: key}
	}
	lines := strings.Split(string(kz.src), "\n")
	for i := val.Line; i < len(lines); i++ { // lines[i] is line i+1
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		return span{file: kz.file, line: val.Line, col: len(l) - len(strings.TrimLeft(l, " "))}
	}
	return span{file: kz.file, whole: key}
}

// patchSources reads the entries of a patches or patchesJson6902 field.
func (mp *mapper) patchSources(kz *kustomization, field string, typed []types.Patch) []source {
	var out []source
	for i, it := range items(kz.node, field) {
		if i >= len(typed) {
			break
		}
		var docs []*yaml.Node
		var sp span
		if _, p := render.MapKey(it, "path"); p != nil && p.Kind == yaml.ScalarNode {
			f := path.Join(kz.dir, p.Value)
			if !inRepo(f) {
				continue
			}
			docs, sp = mp.file(f).docs, span{file: f}
		} else if k, v := render.MapKey(it, "patch"); v != nil && v.Kind == yaml.ScalarNode {
			docs, sp = parseDocs([]byte(v.Value)), inlineSpan(kz, k, v)
		}
		out = append(out, patchDocSources(docs, sp, typed[i].Target)...)
	}
	return out
}

// smpSources reads the entries of patchesStrategicMerge: file paths or
// inline patches.
func (mp *mapper) smpSources(kz *kustomization) []source {
	var out []source
	for _, n := range scalars(kz.node, "patchesStrategicMerge") {
		f := path.Join(kz.dir, n.Value)
		if !strings.ContainsAny(n.Value, ":\n{") && inRepo(f) && mp.file(f).src != nil {
			out = append(out, patchDocSources(mp.file(f).docs, span{file: f}, nil)...)
			continue
		}
		out = append(out, patchDocSources(parseDocs([]byte(n.Value)), inlineSpan(kz, n, n), nil)...)
	}
	return out
}

// patchDocSources turns the documents of one patch into sources: a list of
// JSON 6902 operations, or strategic-merge documents.
func patchDocSources(docs []*yaml.Node, sp span, sel *types.Selector) []source {
	var out []source
	for _, d := range docs {
		if len(d.Content) == 0 {
			continue
		}
		root := render.ResolveAlias(d.Content[0])
		switch root.Kind {
		case yaml.SequenceNode:
			if sel != nil {
				out = append(out, jsonSource{span: sp, sel: sel, ops: parseOps(root)})
			}
			return out // kustomize reads only the first document of a JSON patch
		case yaml.MappingNode:
			c := candidateOf(root, 0)
			out = append(out, smpSource{span: sp, doc: root, sel: sel, kind: c.kind, name: c.name, namespace: c.namespace})
		}
	}
	return out
}

// selected reports whether a patch target selects the resource, matching
// any of its names and namespaces as kustomize matches original and current
// ids.
func (t *target) selected(sel *types.Selector) bool {
	sr, err := types.NewSelectorRegex(sel)
	if err != nil || !sr.MatchGvk(t.gvk) {
		return false
	}
	if !slices.ContainsFunc(t.names, sr.MatchName) || !slices.ContainsFunc(t.namespaces, sr.MatchNamespace) {
		return false
	}
	if t.res == nil {
		return false
	}
	if sel.LabelSelector != "" {
		if ok, err := t.res.MatchesLabelSelector(sel.LabelSelector); err != nil || !ok {
			return false
		}
	}
	if sel.AnnotationSelector != "" {
		if ok, err := t.res.MatchesAnnotationSelector(sel.AnnotationSelector); err != nil || !ok {
			return false
		}
	}
	return true
}

// smpSource is one strategic-merge patch document.
type smpSource struct {
	span                  span
	doc                   *yaml.Node
	sel                   *types.Selector
	kind, name, namespace string
}

func (s smpSource) applies(t *target) bool {
	if s.sel != nil {
		return t.selected(s.sel)
	}
	return s.kind == t.gvk.Kind && s.name != "" && slices.Contains(t.names, s.name) &&
		(s.namespace == "" || slices.Contains(t.namespaces, s.namespace))
}

// identity paths name the object; a patch repeats them to find its target,
// it does not set them.
var identity = map[string]bool{"apiVersion": true, "kind": true, "metadata.name": true, "metadata.namespace": true}

func (s smpSource) locate(p render.Path, obj *yaml.Node) (render.Location, bool) {
	if len(p) == 0 || identity[p.String()] {
		return render.Location{}, false
	}
	show, _ := walk(s.doc, byName(p, obj))
	if show == nil {
		return render.Location{}, false
	}
	return s.span.at(show), true
}

// jsonSource is a JSON 6902 patch: a list of operations.
type jsonSource struct {
	span span
	sel  *types.Selector
	ops  []jsonOp
}

// jsonOp is one operation of a JSON 6902 patch.
type jsonOp struct {
	op    string
	path  []string   // unescaped JSON pointer tokens
	key   *yaml.Node // the "path" key, shown for the operation
	value *yaml.Node
}

// parseOps reads the operations of a JSON 6902 patch.
func parseOps(seq *yaml.Node) []jsonOp {
	var ops []jsonOp
	for _, e := range seq.Content {
		e = render.ResolveAlias(e)
		k, v := render.MapKey(e, "path")
		if k == nil || v == nil || v.Kind != yaml.ScalarNode || !strings.HasPrefix(v.Value, "/") {
			continue
		}
		_, val := render.MapKey(e, "value")
		ops = append(ops, jsonOp{op: scalarAt(e, "op"), path: splitPointer(v.Value), key: k, value: val})
	}
	return ops
}

// splitPointer splits a JSON pointer ("/a/b~1c") into tokens ("a", "b/c").
func splitPointer(p string) []string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

func (s jsonSource) applies(t *target) bool { return t.selected(s.sel) }

// locate finds the last operation whose path is p or above it: the value's
// node for p when the operation's value holds it, else the operation's
// "path:" line (the operation set, replaced or removed what holds p).
func (s jsonSource) locate(p render.Path, obj *yaml.Node) (render.Location, bool) {
	toks := tokens(p, obj)
	for i := len(s.ops) - 1; i >= 0; i-- {
		op := s.ops[i]
		if op.op == "test" {
			continue
		}
		rest, ok := op.under(toks, obj)
		if !ok {
			continue
		}
		if len(rest) > 0 && op.value != nil {
			if n := walkTokens(op.value, rest); n != nil {
				return s.span.at(n), true
			}
			// The field is missing inside the value: its deepest
			// existing node (a container's "- name:" line).
			if n := deepestTokens(op.value, rest); n != nil {
				return s.span.at(n), true
			}
		}
		return s.span.at(op.key), true
	}
	return render.Location{}, false
}

// under reports whether the operation's path is toks or a prefix of it, and
// returns the rest. A final "-" (append) matches the rendered element that
// has the operation value's scalar fields.
func (op jsonOp) under(toks []string, obj *yaml.Node) ([]string, bool) {
	if len(op.path) > len(toks) {
		return nil, false
	}
	for j, ot := range op.path {
		if ot == toks[j] {
			continue
		}
		if ot == "-" && j == len(op.path)-1 && sameScalars(op.value, nodeAtTokens(obj, toks[:j+1])) {
			continue
		}
		return nil, false
	}
	return toks[len(op.path):], true
}

// sameScalars reports whether mapping elem has every scalar field of
// mapping value, with the same values (and value has at least one): the
// element that an append operation ("/-") added.
func sameScalars(value, elem *yaml.Node) bool {
	value, elem = render.ResolveAlias(value), render.ResolveAlias(elem)
	if value == nil || elem == nil || value.Kind != yaml.MappingNode || elem.Kind != yaml.MappingNode {
		return false
	}
	n := 0
	for i := 0; i+1 < len(value.Content); i += 2 {
		v := render.ResolveAlias(value.Content[i+1])
		if v == nil || v.Kind != yaml.ScalarNode {
			continue
		}
		if _, e := render.MapKey(elem, value.Content[i].Value); e == nil || e.Value != v.Value {
			return false
		}
		n++
	}
	return n > 0
}

// nodeAtTokens returns the node at JSON pointer tokens in n, or nil.
func nodeAtTokens(n *yaml.Node, toks []string) *yaml.Node {
	for _, t := range toks {
		n = render.ResolveAlias(n)
		if n == nil {
			return nil
		}
		if n.Kind == yaml.SequenceNode {
			i, err := strconv.Atoi(t)
			if err != nil {
				return nil
			}
			n = elementAt(n, i)
			continue
		}
		_, n = render.MapKey(n, t)
	}
	return render.ResolveAlias(n)
}

// deepestTokens returns the node that shows the deepest of toks that exists
// in n (the key node, or an element's first key), or nil when the first is
// missing.
func deepestTokens(n *yaml.Node, toks []string) *yaml.Node {
	var show *yaml.Node
	for _, t := range toks {
		n = render.ResolveAlias(n)
		if n == nil {
			return show
		}
		if n.Kind == yaml.SequenceNode {
			i, err := strconv.Atoi(t)
			if err != nil {
				return show
			}
			if n = elementAt(n, i); n == nil {
				return show
			}
			show = firstKey(n)
			continue
		}
		k, v := render.MapKey(n, t)
		if k == nil {
			return show
		}
		show, n = k, v
	}
	return show
}

// walkTokens returns the node that shows JSON pointer tokens in n (the key
// node, or an element's first key), or nil.
func walkTokens(n *yaml.Node, toks []string) *yaml.Node {
	var show *yaml.Node
	for _, t := range toks {
		n = render.ResolveAlias(n)
		if n == nil {
			return nil
		}
		if n.Kind == yaml.SequenceNode {
			i, err := strconv.Atoi(t)
			if err != nil {
				return nil
			}
			n = elementAt(n, i)
			show = firstKey(n)
			continue
		}
		k, v := render.MapKey(n, t)
		if k == nil {
			return nil
		}
		show, n = k, v
	}
	return show
}

// imageSource is an images entry.
type imageSource struct {
	file          string
	entry         *yaml.Node
	name, newName string
}

// imageSources reads the images (and imageTags) entries of kz.
func imageSources(kz *kustomization) []source {
	var out []source
	for _, f := range []string{"imageTags", "images"} {
		for _, e := range items(kz.node, f) {
			out = append(out, imageSource{file: kz.file, entry: e, name: scalarAt(e, "name"), newName: scalarAt(e, "newName")})
		}
	}
	return reversed(out)
}

func (imageSource) applies(*target) bool { return true }

func (s imageSource) locate(p render.Path, obj *yaml.Node) (render.Location, bool) {
	if len(p) == 0 || !p[len(p)-1].IsKey || p[len(p)-1].Key != "image" {
		return render.Location{}, false
	}
	v, ok := valueAt(obj, p)
	if !ok {
		return render.Location{}, false
	}
	if n := imageName(v); n == s.name || s.newName != "" && n == s.newName {
		return render.NodeLocation(s.file, entryKey(s.entry, "newTag", "digest", "newName")), true
	}
	return render.Location{}, false
}

// entryKey returns the first of keys that the mapping entry has (the line a
// person edits to change the value), else its first key.
func entryKey(entry *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if key, _ := render.MapKey(entry, k); key != nil {
			return key
		}
	}
	return firstKey(entry)
}

// imageName strips the tag and digest of an image reference.
func imageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// replicaSource is a replicas entry.
type replicaSource struct {
	file        string
	entry       *yaml.Node
	name, count string
}

// replicaSources reads the replicas entries of kz.
func replicaSources(kz *kustomization) []source {
	var out []source
	for _, e := range items(kz.node, "replicas") {
		out = append(out, replicaSource{file: kz.file, entry: e, name: scalarAt(e, "name"), count: scalarAt(e, "count")})
	}
	return reversed(out)
}

func (s replicaSource) applies(t *target) bool { return slices.Contains(t.names, s.name) }

func (s replicaSource) locate(p render.Path, obj *yaml.Node) (render.Location, bool) {
	if p.String() != "spec.replicas" {
		return render.Location{}, false
	}
	if v, ok := valueAt(obj, p); !ok || v != s.count {
		return render.Location{}, false
	}
	return render.NodeLocation(s.file, entryKey(s.entry, "count")), true
}

// namespaceSource is a kustomization's namespace field.
type namespaceSource struct {
	file string
	key  *yaml.Node
	ns   string
}

// namespaceSources reads the namespace field of kz.
func namespaceSources(kz *kustomization) []source {
	k, v := render.MapKey(kz.node, "namespace")
	if k == nil || v == nil || v.Value == "" {
		return nil
	}
	return []source{namespaceSource{file: kz.file, key: k, ns: v.Value}}
}

func (s namespaceSource) applies(t *target) bool { return t.namespace == s.ns }

func (s namespaceSource) locate(p render.Path, _ *yaml.Node) (render.Location, bool) {
	if p.String() != "metadata.namespace" {
		return render.Location{}, false
	}
	return render.NodeLocation(s.file, s.key), true
}

// pairSource is one label or annotation a kustomization adds.
type pairSource struct {
	file        string
	key         *yaml.Node
	name, value string
	// parents are the mapping keys the pair lands under.
	parents []string
}

// labelSources reads commonLabels and the pairs of labels entries.
func labelSources(kz *kustomization) []source {
	var out []source
	for _, e := range items(kz.node, "labels") {
		out = append(out, pairSources(kz, e, "pairs", "labels", "matchLabels", "selector")...)
	}
	out = reversed(out)
	return append(out, pairSources(kz, kz.node, "commonLabels", "labels", "matchLabels", "selector")...)
}

// pairSources reads the pairs of the mapping at key field of m.
func pairSources(kz *kustomization, m *yaml.Node, field string, parents ...string) []source {
	_, pairs := render.MapKey(m, field)
	if pairs == nil || pairs.Kind != yaml.MappingNode {
		return nil
	}
	var out []source
	for i := 0; i+1 < len(pairs.Content); i += 2 {
		k, v := pairs.Content[i], render.ResolveAlias(pairs.Content[i+1])
		if v != nil && v.Kind == yaml.ScalarNode {
			out = append(out, pairSource{file: kz.file, key: k, name: k.Value, value: v.Value, parents: parents})
		}
	}
	return out
}

func (pairSource) applies(*target) bool { return true }

func (s pairSource) locate(p render.Path, obj *yaml.Node) (render.Location, bool) {
	n := len(p)
	if n < 2 || !p[n-1].IsKey || p[n-1].Key != s.name || !p[n-2].IsKey || !slices.Contains(s.parents, p[n-2].Key) {
		return render.Location{}, false
	}
	if v, ok := valueAt(obj, p); !ok || v != s.value {
		return render.Location{}, false
	}
	return render.NodeLocation(s.file, s.key), true
}

// generatorSource is a configMapGenerator or secretGenerator entry with
// behavior merge or replace, which changes the data of an object generated
// by an inner kustomization.
type generatorSource struct {
	kind, name string // ConfigMap or Secret, and the generator name
	replace    bool
	loc        generatorLocator
}

// generatorSources reads the merge and replace generator entries of kz.
func (mp *mapper) generatorSources(kz *kustomization) []source {
	var out []source
	for _, g := range [][2]string{{"configMapGenerator", "ConfigMap"}, {"secretGenerator", "Secret"}} {
		for _, e := range items(kz.node, g[0]) {
			b := scalarAt(e, "behavior")
			if b != "merge" && b != "replace" {
				continue
			}
			out = append(out, generatorSource{kind: g[1], name: scalarAt(e, "name"), replace: b == "replace", loc: mp.generatorLocator(kz, e)})
		}
	}
	return out
}

func (s generatorSource) applies(t *target) bool {
	return t.gvk.Kind == s.kind && slices.Contains(t.names, s.name)
}

func (s generatorSource) locate(p render.Path, _ *yaml.Node) (render.Location, bool) {
	if k, ok := dataKey(p); ok {
		if loc, ok := s.loc.key(k); ok {
			return loc, true
		}
	}
	if s.replace {
		return s.loc.Locate(p), true
	}
	return render.Location{}, false
}
