package kustomize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/resid"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// Annotations kustomize adds for origin tracking, removed before linting.
const (
	originAnnotation         = "config.kubernetes.io/origin"
	transformationAnnotation = "alpha.config.kubernetes.io/transformations"
)

// mapper turns the resources of one build into objects. It caches what it
// parses for the duration of one render and is not shared between renders.
type mapper struct {
	t       *tree
	chains  map[*kustomization][]chain
	files   map[string]*sourceFile
	sources map[*kustomization][]source
}

// newMapper returns the mapper of one render of t.
func newMapper(t *tree) *mapper {
	return &mapper{t: t, chains: t.chainsTo(), files: map[string]*sourceFile{}, sources: map[*kustomization][]source{}}
}

// sourceFile is a repository file parsed with positions.
type sourceFile struct {
	src  []byte
	docs []*yaml.Node // document nodes, up to the first syntax error
	// cands are the objects of the file (items of List documents on their
	// own), for matching rendered resources to their document.
	cands []candidate
}

// candidate is an object document (or List item) of a source file.
type candidate struct {
	node                  *yaml.Node // the object's mapping
	doc                   int
	kind, name, namespace string
}

// file parses a repository file once per render. A missing or broken file
// gives an empty result.
func (mp *mapper) file(p string) *sourceFile {
	if f, ok := mp.files[p]; ok {
		return f
	}
	f := &sourceFile{}
	mp.files[p] = f
	if !inRepo(p) {
		return f
	}
	b, err := mp.t.fs.read(p)
	if err != nil {
		return f
	}
	f.src = b
	f.docs = parseDocs(b)
	for i, d := range f.docs {
		f.cands = append(f.cands, candidates(d, i)...)
	}
	return f
}

// parseDocs decodes the YAML documents of b, stopping at a syntax error.
func parseDocs(b []byte) []*yaml.Node {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	for len(docs) < 100000 {
		d := &yaml.Node{}
		if err := dec.Decode(d); err != nil {
			return docs // io.EOF, or a syntax error that kustomize reports
		}
		docs = append(docs, d)
	}
	return docs
}

// candidates returns the object of a document, or the items of a List.
func candidates(doc *yaml.Node, i int) []candidate {
	if !render.IsObject(doc) {
		return nil
	}
	m := doc
	if m.Kind == yaml.DocumentNode {
		m = m.Content[0]
	}
	c := candidateOf(m, i)
	if _, its := render.MapKey(m, "items"); its != nil && its.Kind == yaml.SequenceNode && strings.HasSuffix(c.kind, "List") {
		var out []candidate
		for _, it := range its.Content {
			if it = render.ResolveAlias(it); render.IsObject(it) {
				out = append(out, candidateOf(it, i))
			}
		}
		return out
	}
	return []candidate{c}
}

// candidateOf reads the identity of an object mapping.
func candidateOf(m *yaml.Node, doc int) candidate {
	c := candidate{node: m, doc: doc}
	c.kind = scalarAt(m, "kind")
	_, md := render.MapKey(m, "metadata")
	c.name = scalarAt(md, "name")
	c.namespace = scalarAt(md, "namespace")
	return c
}

// scalarAt returns the scalar value at key k of mapping m, or "".
func scalarAt(m *yaml.Node, k string) string {
	if _, v := render.MapKey(m, k); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// target is what the mapper knows about one rendered resource.
type target struct {
	gvk       resid.Gvk
	namespace string // as rendered
	// names are the names the resource had on its way through the build
	// (source, intermediate, rendered), for patch targets.
	names []string
	// namespaces are its source and rendered namespaces ("default" for none).
	namespaces []string
	res        *resource.Resource // for label and annotation selectors
	node       *yaml.Node         // the rendered object's mapping
}

// objects maps every resource of the build to an object, in kustomize's
// order.
func (mp *mapper) objects(m resmap.ResMap) (objs []*render.Object, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &render.FileError{File: mp.t.root.file, Err: fmt.Errorf("reading kustomize output: %v", r)}
		}
	}()
	for _, res := range m.Resources() {
		o, err := mp.object(res)
		if err != nil {
			return objs, err
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// object builds the object of one resource and sets its provenance.
func (mp *mapper) object(res *resource.Resource) (*render.Object, error) {
	src := mp.provenance(res)
	if err := stripOrigin(res); err != nil {
		return nil, &render.FileError{File: mp.t.root.file, Err: fmt.Errorf("%s: %w", res.CurId(), err)}
	}
	doc, err := resourceNode(res)
	var o *render.Object
	if err == nil {
		o, err = render.NewObject(doc)
	}
	if err == nil && o == nil {
		err = errors.New("empty document")
	}
	if err != nil {
		return nil, &render.FileError{File: mp.t.root.file, Err: fmt.Errorf("kustomize output %s: %w", res.CurId(), err)}
	}
	t := &target{gvk: res.GetGvk(), namespace: o.Namespace, res: res, node: o.Node}
	switch {
	case src.file == "" || !inRepo(src.file):
		// The last is not expected: a build reads only the repository.
		o.File = mp.t.root.file
		o.Locator = render.NodeLocator{File: o.File}
	case src.generator != "":
		mp.generated(o, src.file, src.generator, t)
	default:
		mp.resource(o, src.file, t)
	}
	t.res = nil
	return o, nil
}

// provenance is where a resource came from: the repository file it was read
// from, or the kustomization file and kind of the generator that made it.
// An empty file means unknown.
type provenance struct {
	file      string
	generator string // ConfigMapGenerator, SecretGenerator, ...
}

// provenance reads the provenance of a resource from the annotations the
// build left on it (provenance.go).
func (mp *mapper) provenance(res *resource.Resource) provenance {
	if mp.t.annotationMode {
		ann := res.GetAnnotations(sourceAnnotation, generatorAnnotation)
		return provenance{file: ann[sourceAnnotation], generator: ann[generatorAnnotation]}
	}
	origin, _ := res.GetOrigin()
	switch {
	case origin == nil || origin.Repo != "" || !inRepo(mp.repoPath(origin.Path)) || !inRepo(mp.repoPath(origin.ConfiguredIn)):
		return provenance{}
	case origin.ConfiguredIn != "":
		return provenance{file: mp.repoPath(origin.ConfiguredIn), generator: origin.ConfiguredBy.Kind}
	}
	return provenance{file: mp.repoPath(origin.Path)}
}

// resourceNode returns the rendered resource as a YAML document with the
// values and key order of kustomize's resource.AsYAML (JSON's: keys sorted,
// numbers as JSON writes them), without AsYAML's trips through YAML text,
// JSON text and YAML text again: the resource's node is decoded into plain
// values and those are turned into nodes directly. A value JSON cannot hold
// takes AsYAML's path, for its error.
func resourceNode(res *resource.Resource) (*yaml.Node, error) {
	m, err := res.Map()
	if err != nil {
		return nil, err
	}
	if n, ok := valueNode(m); ok {
		return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}, nil
	}
	j, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(j, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// valueNode builds the node that parsing the JSON encoding of v gives, for
// the values YAML decoding produces; false for anything else.
func valueNode(v any) (*yaml.Node, bool) {
	scalar := func(tag, s string) (*yaml.Node, bool) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}, true
	}
	switch t := v.(type) {
	case nil:
		return scalar("!!null", "null")
	case string:
		return scalar("!!str", t)
	case bool:
		return scalar("!!bool", strconv.FormatBool(t))
	case int:
		return scalar("!!int", strconv.Itoa(t))
	case int64:
		return scalar("!!int", strconv.FormatInt(t, 10))
	case uint64:
		return scalar("!!int", strconv.FormatUint(t, 10))
	case float64:
		// JSON's formatting; YAML reads an integral result as an int.
		b, err := json.Marshal(t)
		if err != nil {
			return nil, false
		}
		s := string(b)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return scalar("!!int", s)
		}
		if _, err := strconv.ParseUint(s, 10, 64); err == nil {
			return scalar("!!int", s)
		}
		return scalar("!!float", s)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, 0, len(t))}
		for _, e := range t {
			c, ok := valueNode(e)
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, c)
		}
		return n, true
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*len(t))}
		for _, k := range keys {
			c, ok := valueNode(t[k])
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, c)
		}
		return n, true
	}
	return nil, false
}

// stripOrigin removes the origin tracking annotations (one PipeE per key:
// a cleared annotation returns its value, so two clearers cannot be
// chained), and then an annotations mapping left empty.
func stripOrigin(res *resource.Resource) error {
	had := len(res.GetAnnotations())
	for _, k := range []string{originAnnotation, transformationAnnotation, sourceAnnotation, generatorAnnotation} {
		if err := res.PipeE(kyaml.ClearAnnotation(k)); err != nil {
			return err
		}
	}
	if had == 0 || len(res.GetAnnotations()) > 0 {
		return nil
	}
	_, err := res.Pipe(kyaml.Lookup(kyaml.MetadataField), kyaml.FieldClearer{Name: kyaml.AnnotationsField, IfEmpty: true})
	return err
}

// repoPath turns a path relative to the root kustomization folder into a
// repository-relative one.
func (mp *mapper) repoPath(p string) string {
	return path.Clean(path.Join(mp.t.root.dir, filepath.ToSlash(p)))
}

// resource sets the provenance of a resource read from a file.
func (mp *mapper) resource(o *render.Object, file string, t *target) {
	var chains []chain
	for kz, cs := range mp.chains {
		if slices.Contains(kz.files, file) {
			chains = append(chains, cs...)
		}
	}
	sortChains(chains)
	var doc *yaml.Node
	srcName, srcNs := o.Name, o.Namespace
	o.File = file
	var fallback render.Locator = render.NodeLocator{File: file}
	if c := mp.match(file, o, t, chains); c != nil {
		o.Doc, doc = c.doc, c.node
		fallback = render.NodeLocator{File: file, Node: c.node}
		srcName, srcNs = c.name, c.namespace
	}
	t.setNames(srcName, srcNs, o, chains)
	o.Locator = mp.locator(fallback, doc, chains, t)
}

// generated sets the provenance of a resource made by a generator.
func (mp *mapper) generated(o *render.Object, file, kind string, t *target) {
	var gen *kustomization
	var chains []chain
	for kz, cs := range mp.chains {
		if kz.file == file {
			gen, chains = kz, cs
		}
	}
	sortChains(chains)
	o.File = file
	o.Generated = kind + " in " + file
	var fallback render.Locator = render.NodeLocator{File: file}
	srcName := o.Name
	if field := generatorField(kind); gen != nil && field != "" {
		o.Generated = field + " in " + file
		if e, name := mp.generatorEntry(gen, field, o, t, chains); e != nil {
			fallback = mp.generatorLocator(gen, e)
			srcName = name
		}
	}
	t.setNames(srcName, "", o, chains)
	o.Locator = mp.locator(fallback, nil, chains, t)
}

// generatorField names the kustomization field of a builtin generator kind.
func generatorField(kind string) string {
	switch kind {
	case "ConfigMapGenerator":
		return "configMapGenerator"
	case "SecretGenerator":
		return "secretGenerator"
	}
	return ""
}

// sortChains orders chains by length, then by their files, so that the
// choice of "the" chain is deterministic.
func sortChains(cs []chain) {
	slices.SortStableFunc(cs, func(a, b chain) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		for i := range a {
			if c := strings.Compare(a[i].kz.file, b[i].kz.file); c != 0 {
				return c
			}
		}
		return 0
	})
}

// setNames records the names and namespaces the resource had on its way
// through the build.
func (t *target) setNames(srcName, srcNs string, o *render.Object, chains []chain) {
	t.names = []string{srcName}
	for _, c := range chains {
		for _, a := range c.affixes(t.gvk) {
			t.names = append(t.names, a.prefix+srcName+a.suffix)
		}
	}
	t.names = append(t.names, o.Name)
	slices.Sort(t.names)
	t.names = slices.Compact(t.names)
	for _, ns := range []string{srcNs, o.Namespace} {
		if ns == "" {
			ns = "default"
		}
		if !slices.Contains(t.namespaces, ns) {
			t.namespaces = append(t.namespaces, ns)
		}
	}
}

// hashSuffix is the content hash kustomize appends to generated names.
var hashSuffix = regexp.MustCompile(`-[a-z0-9]{10}$`)

// nameScore rates how well a source name explains a rendered name: 3 when
// the chain's prefixes and suffixes turn one into the other exactly, 2 when
// they are equal, 1 when the rendered name contains it, 0 otherwise.
func nameScore(rendered, src string, affixes []affix, generated bool) int {
	if src == "" {
		return 0
	}
	names := []string{rendered}
	if generated {
		if h := hashSuffix.ReplaceAllString(rendered, ""); h != rendered {
			names = append(names, h)
		}
	}
	for _, n := range names {
		for _, a := range affixes {
			if (a.prefix != "" || a.suffix != "") && n == a.prefix+src+a.suffix {
				return 3
			}
		}
	}
	if slices.Contains(names, src) {
		return 2
	}
	if strings.Contains(rendered, src) {
		return 1
	}
	return 0
}

// chainAffixes returns the whole-chain affix of every chain.
func chainAffixes(chains []chain, gvk resid.Gvk) []affix {
	var out []affix
	for _, c := range chains {
		out = append(out, c.affixes(gvk)[0])
	}
	return out
}

// match finds the document of file that is the rendered object before the
// build changed it: same kind, and the name that the chain's prefixes and
// suffixes turn into the rendered name (else the same name, else a name the
// rendered one contains). A file with a single object of the kind matches
// whatever its name. Ties go to the same namespace, the longer name, and
// the earlier document.
func (mp *mapper) match(file string, o *render.Object, t *target, chains []chain) *candidate {
	cands := mp.file(file).cands
	affixes := chainAffixes(chains, t.gvk)
	var best *candidate
	bestScore, sameKind := 0, 0
	for i := range cands {
		c := &cands[i]
		if c.kind != o.Kind {
			continue
		}
		sameKind++
		s := nameScore(o.Name, c.name, affixes, false)
		if s > bestScore || s == bestScore && s > 0 && better(c, best, o.Namespace) {
			best, bestScore = c, s
		}
	}
	if best == nil && sameKind == 1 {
		for i := range cands {
			if cands[i].kind == o.Kind {
				return &cands[i]
			}
		}
	}
	return best
}

// better breaks a tie between two equally named candidates.
func better(c, best *candidate, ns string) bool {
	if (c.namespace == ns) != (best.namespace == ns) {
		return c.namespace == ns
	}
	return len(c.name) > len(best.name)
}
