package kustomize

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// Provenance: where each rendered resource came from.
//
// Kustomize records it when a kustomization sets buildMetadata:
// [originAnnotations] (origin mode, see originFS). That switch also makes
// every transformer of every kustomization append itself to a YAML list in
// an annotation of every resource, parsing and re-encoding the list each
// time: on the overlays of the benchmark repository that bookkeeping was a
// third of the CPU time of a whole lint, and prodlint throws it away.
//
// Annotation mode gets the same facts without it. Before the build, every
// object of every file that a kustomization of the tree lists under
// resources gets sourceAnnotation (the file, as the entries write it), and
// every configMapGenerator and secretGenerator entry gets it too (the
// kustomization file) with generatorAnnotation (the generator kind) through
// its options.annotations, except an entry with behavior: merge, which like
// kustomize keeps the provenance of the object it merges into. Krusty reads
// those copies through originFS; the user's files are never written.
// Kustomize carries annotations through its transformers, so the rendered
// resources say where they came from, and the mapper reads them instead of
// the origin annotation.
//
// A copy must mean to kustomize exactly what the file means plus the
// annotations: resource files are read with kustomize's own reader
// (kio.FromBytes: its document splitting, List unwrapping and anchor
// expansion) and the copy is read back and compared node by node; an
// annotated kustomization must unmarshal to the same Kustomization once the
// annotations are taken out. Anything else renders the whole tree in origin
// mode: a kustomization that sets buildMetadata or lists generators
// (plugins may make resources), a file that is both a resource and a patch
// or generator input, one file reached under two names, an object that is
// a List kustomize would expand, has no kind or metadata mapping, repeats a
// key, or already carries the annotations, a copy that does not read back
// the same, and any file that does not parse (kustomize then reports it
// with the user's bytes). TestProvenanceModes checks that both modes give
// the same objects, values, provenance and locations.

// Annotations of annotation mode, removed before linting.
const (
	sourceAnnotation    = "internal.prodlint.dev/source"
	generatorAnnotation = "internal.prodlint.dev/generator"
)

// errOriginMode says a tree must be rendered in origin mode.
var errOriginMode = errors.New("origin mode")

// forceOriginMode makes every render use origin mode (tests compare the
// two modes).
var forceOriginMode = false

// annotatedFiles returns the contents krusty reads instead of the
// repository's in annotation mode, keyed by symlink-free repository path, or
// false when the tree needs origin mode.
func (t *tree) annotatedFiles() (map[string][]byte, bool) {
	if forceOriginMode {
		return nil, false
	}
	out := map[string][]byte{}
	resources := map[string]string{} // resolved path -> path as written
	kustFiles := map[string]bool{}
	for _, kz := range t.all {
		if kz == nil || len(kz.k.BuildMetadata) > 0 || len(kz.k.Generators) > 0 {
			return nil, false
		}
		for _, f := range kz.files {
			r, err := t.fs.resolve(f)
			if err != nil {
				return nil, false
			}
			if w, ok := resources[r]; ok && w != f {
				return nil, false // one file reached under two names
			}
			resources[r] = f
		}
		r, err := t.fs.resolve(kz.file)
		if err != nil || kustFiles[r] {
			return nil, false
		}
		kustFiles[r] = true
	}
	for _, kz := range t.all {
		for _, f := range kz.fileRefs() {
			r, err := t.fs.resolve(joinEntry(kz.dir, f.path))
			if err == nil && resources[r] != "" {
				return nil, false // a resource that is also a patch or input
			}
		}
		if !hasGenerators(kz) {
			continue
		}
		b, err := annotations.get("g", kz.file, kz.src, func() ([]byte, error) { return annotateGenerators(kz) })
		if err != nil {
			return nil, false
		}
		r, _ := t.fs.resolve(kz.file)
		out[r] = b
	}
	for r, f := range resources {
		src, err := t.fs.read(f)
		if err != nil {
			return nil, false
		}
		b, err := annotations.get("r", f, src, func() ([]byte, error) { return annotateResources(src, f) })
		if err != nil {
			return nil, false
		}
		out[r] = b
	}
	return out, true
}

// joinEntry is the repository path of a file entry of the kustomization in
// dir, as the pre-scan computes it.
func joinEntry(dir, entry string) string {
	return path.Join(dir, filepath.ToSlash(strings.TrimSpace(entry)))
}

// hasGenerators reports whether kz has configMapGenerator or
// secretGenerator entries.
func hasGenerators(kz *kustomization) bool {
	return len(items(kz.node, "configMapGenerator")) > 0 || len(items(kz.node, "secretGenerator")) > 0
}

// parseAll decodes every document of b with kustomize's YAML library.
func parseAll(b []byte) ([]*kyaml.Node, error) {
	dec := kyaml.NewDecoder(bytes.NewReader(b))
	var docs []*kyaml.Node
	for {
		d := &kyaml.Node{}
		err := dec.Decode(d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
}

// encodeAll encodes documents the way kustomize writes YAML. YAML encoders
// do not round-trip every input (an implicit null in a flow mapping comes
// back as an empty string), so callers check that kustomize reads the
// result as it reads the original, plus the annotations.
func encodeAll(docs []*kyaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := kyaml.NewEncoder(&buf)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sameNode reports whether two node trees hold the same data: kinds, tags
// as YAML resolves them, scalar values and order; styles and comments
// aside.
func sameNode(a, b *kyaml.Node) bool {
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == kyaml.ScalarNode && (a.Value != b.Value || a.ShortTag() != b.ShortTag()) {
		return false
	}
	if a.Kind == kyaml.MappingNode || a.Kind == kyaml.SequenceNode {
		if a.ShortTag() != b.ShortTag() {
			return false
		}
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// annotateResources adds sourceAnnotation with value file to every object
// of src. It reads src with kustomize's own reader (documents split and
// anchors expanded as kustomize does), and checks that the copy reads back
// as the same objects plus the annotation.
func annotateResources(src []byte, file string) ([]byte, error) {
	objs, err := kio.FromBytes(src)
	if err != nil {
		return nil, err
	}
	var docs []*kyaml.Node
	for _, o := range objs {
		m := o.YNode()
		if m == nil || m.Kind != kyaml.MappingNode || hasAnchors(m) {
			return nil, errOriginMode
		}
		if _, k := ymapGet(m, "kind"); !isString(k) || k.Value == "" || strings.HasSuffix(k.Value, "List") {
			return nil, errOriginMode // kustomize expands lists; keep it simple
		}
		_, md := ymapGet(m, "metadata")
		if md == nil || md.Kind != kyaml.MappingNode {
			return nil, errOriginMode
		}
		for i := 0; i < len(md.Content); i += 2 {
			if !isString(md.Content[i]) {
				return nil, errOriginMode
			}
		}
		if err := addAnnotations(md, sourceAnnotation, file); err != nil {
			return nil, err
		}
		docs = append(docs, m)
	}
	out, err := encodeAll(docs)
	if err != nil {
		return nil, err
	}
	back, err := kio.FromBytes(out)
	if err != nil || len(back) != len(docs) {
		return nil, errOriginMode
	}
	for i := range docs {
		if !sameNode(docs[i], back[i].YNode()) {
			return nil, errOriginMode
		}
	}
	return out, nil
}

// annotateGenerators adds sourceAnnotation and generatorAnnotation to the
// options of every configMapGenerator and secretGenerator entry of kz, and
// checks that kustomize reads the copy as the same kustomization plus the
// annotations.
func annotateGenerators(kz *kustomization) ([]byte, error) {
	docs, err := parseAll(kz.src)
	if err != nil || len(docs) != 1 || len(docs[0].Content) != 1 {
		return nil, errOriginMode
	}
	m := docs[0].Content[0]
	if m.Kind != kyaml.MappingNode || hasAnchors(m) {
		return nil, errOriginMode
	}
	for field, kind := range map[string]string{"configMapGenerator": "ConfigMapGenerator", "secretGenerator": "SecretGenerator"} {
		_, seq := ymapGet(m, field)
		if seq == nil {
			continue
		}
		if seq.Kind != kyaml.SequenceNode {
			return nil, errOriginMode
		}
		for _, e := range seq.Content {
			if e.Kind != kyaml.MappingNode {
				return nil, errOriginMode
			}
			if _, b := ymapGet(e, "behavior"); b != nil && b.Value == "merge" {
				// Kustomize keeps the provenance of the object merged
				// into, and so do its annotations.
				continue
			}
			opts := ymapEnsure(e, "options")
			if opts == nil {
				return nil, errOriginMode
			}
			if err := addAnnotations(opts, sourceAnnotation, kz.file, generatorAnnotation, kind); err != nil {
				return nil, err
			}
		}
	}
	out, err := encodeAll(docs)
	if err != nil {
		return nil, err
	}
	if !sameKustomization(kz.src, out) {
		return nil, errOriginMode
	}
	return out, nil
}

// sameKustomization reports whether kustomize reads the kustomization
// annotated as it reads orig, once the annotations are taken out again.
func sameKustomization(orig, annotated []byte) bool {
	var want, got types.Kustomization
	if want.Unmarshal(orig) != nil || got.Unmarshal(annotated) != nil ||
		len(want.ConfigMapGenerator) != len(got.ConfigMapGenerator) || len(want.SecretGenerator) != len(got.SecretGenerator) {
		return false
	}
	for i := range got.ConfigMapGenerator {
		unannotate(&want.ConfigMapGenerator[i].GeneratorArgs, &got.ConfigMapGenerator[i].GeneratorArgs)
	}
	for i := range got.SecretGenerator {
		unannotate(&want.SecretGenerator[i].GeneratorArgs, &got.SecretGenerator[i].GeneratorArgs)
	}
	return reflect.DeepEqual(want, got)
}

// unannotate takes annotation mode's annotations out of the options of got,
// and the options mapping it added to an entry that had none (want).
func unannotate(want, got *types.GeneratorArgs) {
	if got.Options == nil {
		return
	}
	delete(got.Options.Annotations, sourceAnnotation)
	delete(got.Options.Annotations, generatorAnnotation)
	if len(got.Options.Annotations) == 0 && (want.Options == nil || want.Options.Annotations == nil) {
		got.Options.Annotations = nil
	}
	if want.Options == nil && reflect.DeepEqual(*got.Options, types.GeneratorOptions{}) {
		got.Options = nil
	}
}

// addAnnotations adds key-value pairs to the annotations mapping of the
// mapping m (metadata, or generator options), creating it if needed.
func addAnnotations(m *kyaml.Node, kv ...string) error {
	ann := ymapEnsure(m, "annotations")
	if ann == nil {
		return errOriginMode
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, _ := ymapGet(ann, kv[i]); k != nil {
			return errOriginMode
		}
		ann.Content = append(ann.Content, strNode(kv[i]), strNode(kv[i+1]))
	}
	return nil
}

// isString reports whether n is a scalar that YAML reads as a string.
func isString(n *kyaml.Node) bool {
	return n != nil && n.Kind == kyaml.ScalarNode && n.ShortTag() == kyaml.NodeTagString
}

func strNode(s string) *kyaml.Node {
	return &kyaml.Node{Kind: kyaml.ScalarNode, Tag: kyaml.NodeTagString, Value: s}
}

// ymapGet returns the key and value nodes of key k in mapping m.
func ymapGet(m *kyaml.Node, k string) (key, val *kyaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// ymapEnsure returns the mapping at key k of m, adding an empty one when k
// is missing, or nil when k holds something else.
func ymapEnsure(m *kyaml.Node, k string) *kyaml.Node {
	if _, v := ymapGet(m, k); v != nil {
		if v.Kind != kyaml.MappingNode {
			return nil
		}
		return v
	}
	v := &kyaml.Node{Kind: kyaml.MappingNode, Tag: kyaml.NodeTagMap}
	m.Content = append(m.Content, strNode(k), v)
	return v
}

// hasAnchors reports whether n or a node below it is an anchor, an alias or
// a merge key, which could share the nodes annotation mode changes, or a
// mapping with a key twice, which kustomize rejects with the document's
// text in the message.
func hasAnchors(n *kyaml.Node) bool {
	if n.Anchor != "" || n.Kind == kyaml.AliasNode || n.Tag == "!!merge" {
		return true
	}
	if n.Kind == kyaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != kyaml.ScalarNode || seen[k.Value] {
				return true
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if hasAnchors(c) {
			return true
		}
	}
	return false
}

// annotations caches annotated copies across renders: the overlays of a
// repository share their bases, whose files would otherwise be parsed and
// encoded again for each overlay. Entries are keyed by the path written in
// the copy and a hash of the content, so the work tree and a git revision
// share what is the same in both.
var annotations = &annotationCache{}

// annotationCacheBytes bounds the cached copies; the cache starts over when
// they reach it.
const annotationCacheBytes = 64 << 20

type annotationCache struct {
	mu    sync.Mutex
	m     map[annotationKey]annotated
	bytes int
}

type annotationKey struct {
	kind, file string
	sum        [sha256.Size]byte
}

type annotated struct {
	b   []byte
	err error
}

// get returns the annotated copy of src (the content of file), built by
// build on a miss. The returned bytes must not be modified.
func (c *annotationCache) get(kind, file string, src []byte, build func() ([]byte, error)) ([]byte, error) {
	k := annotationKey{kind: kind, file: file, sum: sha256.Sum256(src)}
	c.mu.Lock()
	a, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return a.b, a.err
	}
	b, err := build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+len(b) > annotationCacheBytes {
		c.m, c.bytes = map[annotationKey]annotated{}, 0
	}
	c.m[k] = annotated{b, err}
	c.bytes += len(b) + len(file) + 64
	return b, err
}
