package kustomize

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/types"
)

// Limits that keep a pathological tree from running away.
const (
	maxKustomizations = 2000
	maxDepth          = 100
)

// helmMessage explains why helmCharts cannot be rendered here.
const helmMessage = "helmCharts needs the helm binary and network; render the chart as a Helm target instead"

// kustomization is one kustomization file of the tree, read both for its
// meaning (kustomize's own type) and for its lines (yaml.v3 nodes).
type kustomization struct {
	// dir is the repository-relative, slash-separated folder, as the
	// entries that lead to it write it (symlinks not resolved).
	dir  string
	name string // kustomization.yaml, kustomization.yml or Kustomization
	file string // dir/name
	k    types.Kustomization
	node *yaml.Node // top-level mapping; empty for an empty file
	src  []byte
	// edges are the bases (resources that are folders) and components, in
	// file order.
	edges []edge
	// files are the repository-relative files listed under resources.
	files []string
}

// isComponent reports whether the kustomization is a kind: Component.
func (kz *kustomization) isComponent() bool { return kz.k.Kind == types.ComponentKind }

// edge links a kustomization to a base or component it uses.
type edge struct {
	to        *kustomization
	component bool
	// entry is the list entry in the parent that names the child.
	entry *yaml.Node
}

// tree is the kustomization tree of one target, read before the build.
type tree struct {
	fs   *repoFS // the repository, which every read goes through
	root *kustomization
	// all maps a folder to its kustomization; nil while it is being loaded,
	// which is how cycles are found.
	all map[string]*kustomization
	// openapi is set when some kustomization sets openapi, which kustomize
	// keeps in process-wide state.
	openapi bool
	// annotationMode is set when the build recorded provenance in
	// annotation mode rather than origin mode (provenance.go).
	annotationMode bool
}

// errNoKustomization and errCycle are reported against the entry that leads
// to the folder.
var (
	errNoKustomization = errors.New("no kustomization file")
	errCycle           = errors.New("cycle")
)

// scan reads the kustomization in dir (repository-relative) and everything
// it reaches, and rejects what cannot be built offline, in-process and from
// the repository alone: remote bases and files, helmCharts, paths and
// symlinks that lead outside the repository, files outside a
// kustomization's folder (the RootOnly load restriction), missing files, and
// kustomization files that are not valid YAML or have unknown fields. Errors
// name the kustomization file and the line of the entry.
func scan(fsys *repoFS, dir string) (*tree, error) {
	t := &tree{fs: fsys, all: map[string]*kustomization{}}
	if !inRepo(dir) || !fs.ValidPath(dir) {
		return nil, &render.FileError{File: dir, Err: errOutside}
	}
	root, err := t.load(dir, 0)
	switch {
	case errors.Is(err, errNoKustomization):
		return nil, &render.FileError{File: dir, Err: fmt.Errorf("no %s in the folder", kustNames())}
	case err != nil:
		return nil, err
	}
	t.root = root
	return t, nil
}

// load reads the kustomization in dir and, recursively, what it uses.
func (t *tree) load(dir string, depth int) (*kustomization, error) {
	if kz, seen := t.all[dir]; seen {
		if kz == nil {
			return nil, errCycle
		}
		return kz, nil
	}
	if depth > maxDepth || len(t.all) >= maxKustomizations {
		return nil, &render.FileError{File: dir, Err: errors.New("kustomization tree is too deep or too large")}
	}
	name, err := t.kustomizationName(dir)
	if err != nil {
		return nil, err
	}
	kz, err := readKustomization(t.fs, dir, name)
	if err != nil {
		return nil, err
	}
	if len(kz.k.OpenAPI) > 0 {
		t.openapi = true
	}
	t.all[dir] = nil
	if err := t.check(kz, depth); err != nil {
		return nil, err
	}
	t.all[dir] = kz
	return kz, nil
}

// kustomizationName returns the name of the one kustomization file in dir.
func (t *tree) kustomizationName(dir string) (string, error) {
	var found []string
	for _, n := range render.KustomizationFiles {
		fi, err := t.fs.stat(path.Join(dir, n))
		if isOutside(err) {
			return "", &render.FileError{File: path.Join(dir, n), Err: errors.New(outsideText(err, path.Join(dir, n)))}
		}
		if err == nil && fi.Mode().IsRegular() {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return "", errNoKustomization
	case 1:
		return found[0], nil
	}
	return "", &render.FileError{File: dir, Err: fmt.Errorf("more than one kustomization file (%s); keep one", strings.Join(found, ", "))}
}

// readKustomization parses a kustomization file twice: with yaml.v3 for
// positions, and strictly with kustomize's own type, as kustomize does.
func readKustomization(fsys *repoFS, dir, name string) (*kustomization, error) {
	file := path.Join(dir, name)
	src, err := fsys.read(file)
	if err != nil {
		return nil, &render.FileError{File: file, Err: fmt.Errorf("cannot read: %w", err)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, render.YAMLError(file, err)
	}
	node := &yaml.Node{Kind: yaml.MappingNode}
	if len(doc.Content) > 0 {
		node = doc.Content[0]
	}
	if node.Kind != yaml.MappingNode {
		return nil, &render.FileError{File: file, Line: node.Line, Err: errors.New("a kustomization must be a mapping of fields")}
	}
	kz := &kustomization{dir: dir, name: name, file: file, node: node, src: src}
	if err := kz.k.Unmarshal(src); err != nil {
		return nil, unmarshalError(file, node, err)
	}
	if err := checkInlinePatches(kz); err != nil {
		return nil, err
	}
	return kz, nil
}

var (
	unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)
	fieldType    = regexp.MustCompile(`Go struct field Kustomization\.([A-Za-z0-9]+)`)
)

// unmarshalError explains kustomize's strict decoding error, on the line of
// the offending field when it can be found.
func unmarshalError(file string, node *yaml.Node, err error) *render.FileError {
	msg := strings.TrimPrefix(err.Error(), "invalid Kustomization: ")
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		k, _ := render.MapKey(node, m[1])
		return &render.FileError{File: file, Line: line(k), Err: fmt.Errorf("unknown kustomization field %q", m[1])}
	}
	if m := fieldType.FindStringSubmatch(msg); m != nil {
		k, _ := render.MapKey(node, m[1])
		return &render.FileError{File: file, Line: line(k), Err: fmt.Errorf("invalid kustomization: %s", msg)}
	}
	return &render.FileError{File: file, Err: fmt.Errorf("invalid kustomization: %s", msg)}
}

// check validates the entries of one kustomization and loads its bases and
// components.
func (t *tree) check(kz *kustomization, depth int) error {
	for _, f := range []string{"helmCharts", "helmChartInflationGenerator"} {
		if k, v := render.MapKey(kz.node, f); k != nil && v != nil && len(v.Content) > 0 {
			return &render.FileError{File: kz.file, Line: k.Line, Err: errors.New(helmMessage)}
		}
	}
	for _, f := range []string{"resources", "bases"} {
		for _, n := range scalars(kz.node, f) {
			if err := t.resource(kz, f, n, depth); err != nil {
				return err
			}
		}
	}
	for _, n := range scalars(kz.node, "components") {
		if err := t.component(kz, n, depth); err != nil {
			return err
		}
	}
	for _, f := range []string{"generators", "transformers", "validators"} {
		for _, n := range scalars(kz.node, f) {
			if err := t.plugin(kz, f, n, depth); err != nil {
				return err
			}
		}
	}
	return t.checkFiles(kz)
}

// checkFiles checks the fields that name plain files: patches, generator
// sources, crds, configurations, openapi and replacements.
func (t *tree) checkFiles(kz *kustomization) error {
	for _, f := range kz.fileRefs() {
		if err := t.file(kz, f); err != nil {
			return err
		}
	}
	return nil
}

// fileRefs lists the entries of kz that name plain files: patches,
// generator sources, crds, configurations, openapi and replacements.
func (kz *kustomization) fileRefs() []fileRef {
	var files []fileRef
	for _, f := range []string{"patches", "patchesJson6902", "replacements"} {
		for _, it := range items(kz.node, f) {
			if _, p := render.MapKey(it, "path"); p != nil && p.Kind == yaml.ScalarNode {
				files = append(files, fileRef{f, p, p.Value})
			}
		}
	}
	for _, n := range scalars(kz.node, "patchesStrategicMerge") {
		if !strings.ContainsAny(n.Value, ":\n{") { // otherwise an inline patch
			files = append(files, fileRef{"patchesStrategicMerge", n, n.Value})
		}
	}
	for _, f := range []string{"configMapGenerator", "secretGenerator"} {
		for _, it := range items(kz.node, f) {
			for _, n := range scalars(it, "files") {
				_, p, ok := strings.Cut(n.Value, "=")
				if !ok {
					p = n.Value
				}
				files = append(files, fileRef{f + " files", n, p})
			}
			for _, n := range scalars(it, "envs") {
				files = append(files, fileRef{f + " envs", n, n.Value})
			}
			if _, n := render.MapKey(it, "env"); n != nil && n.Kind == yaml.ScalarNode {
				files = append(files, fileRef{f + " env", n, n.Value})
			}
		}
	}
	for _, f := range []string{"crds", "configurations"} {
		for _, n := range scalars(kz.node, f) {
			files = append(files, fileRef{f, n, n.Value})
		}
	}
	if _, oa := render.MapKey(kz.node, "openapi"); oa != nil {
		if _, p := render.MapKey(oa, "path"); p != nil && p.Kind == yaml.ScalarNode {
			files = append(files, fileRef{"openapi path", p, p.Value})
		}
	}
	return files
}

// fileRef is a file named by a kustomization field.
type fileRef struct {
	field string
	node  *yaml.Node // the entry, for its line
	path  string     // the file, relative to the kustomization folder
}

// resource checks a resources (or bases) entry: a local file in the
// kustomization's folder, or a local folder with a kustomization.
func (t *tree) resource(kz *kustomization, field string, n *yaml.Node, depth int) error {
	v := strings.TrimSpace(n.Value)
	if render.IsRemote(v) {
		return entryError(kz, n, "%s entry %q is remote: prodlint renders offline and never fetches remote bases; vendor it into the repository", field, v)
	}
	target, fi, err := t.stat(kz, field, n, v)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		if err := t.rootOnly(kz, field, n, v, target); err != nil {
			return err
		}
		kz.files = append(kz.files, target)
		return nil
	}
	child, err := t.load(target, depth+1)
	if err != nil {
		return t.childError(kz, field, n, v, err)
	}
	if child.isComponent() {
		return entryError(kz, n, "%s entry %q is a Component: list it under components", field, v)
	}
	kz.edges = append(kz.edges, edge{to: child, entry: n})
	return nil
}

// component checks a components entry: a local folder with a kustomization
// of kind Component.
func (t *tree) component(kz *kustomization, n *yaml.Node, depth int) error {
	v := strings.TrimSpace(n.Value)
	if render.IsRemote(v) {
		return entryError(kz, n, "components entry %q is remote: prodlint renders offline and never fetches remote components; vendor it into the repository", v)
	}
	target, fi, err := t.stat(kz, "components", n, v)
	if err != nil && !errors.Is(err, errMissing) {
		return err
	}
	if err != nil || !fi.IsDir() {
		return entryError(kz, n, "components entry %q: %s is not a folder with a kustomization file", v, target)
	}
	child, err := t.load(target, depth+1)
	if err != nil {
		return t.childError(kz, "components", n, v, err)
	}
	if !child.isComponent() {
		return entryError(kz, n, "components entry %q is not a Component (kind: Component): list it under resources", v)
	}
	kz.edges = append(kz.edges, edge{to: child, component: true, entry: n})
	return nil
}

// plugin checks a generators, transformers or validators entry: inline
// configuration, a local file, or a local kustomization of configurations.
func (t *tree) plugin(kz *kustomization, field string, n *yaml.Node, depth int) error {
	v := strings.TrimSpace(n.Value)
	if strings.Contains(v, "\n") {
		return nil // inline configuration
	}
	if render.IsRemote(v) {
		return entryError(kz, n, "%s entry %q is remote: prodlint renders offline; vendor it into the repository", field, v)
	}
	target, fi, err := t.stat(kz, field, n, v)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return t.rootOnly(kz, field, n, v, target)
	}
	if _, err := t.load(target, depth+1); err != nil {
		return t.childError(kz, field, n, v, err)
	}
	return nil
}

// file checks a plain file entry: local, present and inside the folder.
func (t *tree) file(kz *kustomization, f fileRef) error {
	v := strings.TrimSpace(f.path)
	if render.IsRemote(v) {
		return entryError(kz, f.node, "%s entry %q is remote: prodlint renders offline and never fetches remote files; vendor it into the repository", f.field, v)
	}
	target, _, err := t.stat(kz, f.field, f.node, v)
	if err != nil {
		return err
	}
	return t.rootOnly(kz, f.field, f.node, v, target)
}

// errMissing marks the error of an entry whose file does not exist.
var errMissing = errors.New("does not exist")

// stat finds the file or folder of a local entry v of kz: its
// repository-relative path and file information. An entry that leaves the
// repository (an absolute path, too many "..", or a symlink whose target is
// outside) is an error naming the entry, and so is a missing file (matching
// errMissing).
func (t *tree) stat(kz *kustomization, field string, n *yaml.Node, v string) (string, fs.FileInfo, error) {
	if filepath.IsAbs(v) || path.IsAbs(filepath.ToSlash(v)) {
		return "", nil, entryError(kz, n, "%s entry %q: absolute paths are outside the repository; %s, named relative to the kustomization folder (%s)", field, v, outsideHint, kz.dir)
	}
	target := path.Join(kz.dir, filepath.ToSlash(v))
	if !inRepo(target) {
		return "", nil, entryError(kz, n, "%s entry %q: %v", field, v, errOutside)
	}
	fi, err := t.fs.stat(target)
	switch {
	case isOutside(err):
		return "", nil, entryError(kz, n, "%s entry %q: %s", field, v, outsideText(err, target))
	case err != nil:
		return target, nil, entryError(kz, n, "%s entry %q: %s %w", field, v, target, errMissing)
	}
	return target, fi, nil
}

// childError reports a failure to load a base or component against the
// entry that names it, unless the failure already names its own file.
func (t *tree) childError(kz *kustomization, field string, n *yaml.Node, v string, err error) error {
	switch {
	case errors.Is(err, errNoKustomization):
		return entryError(kz, n, "%s entry %q is a folder without %s", field, v, kustNames())
	case errors.Is(err, errCycle):
		return entryError(kz, n, "%s entry %q makes a cycle: that kustomization already leads here", field, v)
	}
	return err
}

// rootOnly enforces kustomize's RootOnly load restriction: a file must be in
// or below the folder of the kustomization that names it (after symlinks).
func (t *tree) rootOnly(kz *kustomization, field string, n *yaml.Node, v, target string) error {
	dir, err1 := t.fs.resolve(kz.dir)
	file, err2 := t.fs.resolve(target)
	if err1 != nil || err2 != nil || within(dir, file) {
		return nil // kustomize reports what cannot be resolved
	}
	fix := fmt.Sprintf("move the file into %s", kz.dir)
	if field == "resources" || field == "bases" {
		fix += fmt.Sprintf(", or make %s a base with its own kustomization.yaml and list the folder %q under resources", path.Dir(target), path.Dir(v))
	} else {
		fix += ", or put it in a component (kind: Component) and list that under components"
	}
	return entryError(kz, n, "%s entry %q is outside the kustomization root %s; kustomize only loads files in or below the kustomization's folder (load restrictions RootOnly): %s", field, v, kz.dir, fix)
}

// kustNames lists the kustomization file names for messages.
func kustNames() string {
	n := render.KustomizationFiles
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// within reports whether the repository-relative path p is dir or below it.
func within(dir, p string) bool {
	return p == dir || dir == "." || strings.HasPrefix(p, dir+"/")
}

// entryError is a FileError on the line of a kustomization entry.
func entryError(kz *kustomization, n *yaml.Node, format string, args ...any) *render.FileError {
	return &render.FileError{File: kz.file, Line: line(n), Err: fmt.Errorf(format, args...)}
}

// inRepo reports whether a repository-relative path stays inside the
// repository.
func inRepo(p string) bool {
	return p != ".." && !strings.HasPrefix(p, "../") && !path.IsAbs(p)
}

// line returns a node's line, or 0 for a nil node.
func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// items returns the elements of the sequence at key k in mapping m.
func items(m *yaml.Node, k string) []*yaml.Node {
	_, v := render.MapKey(m, k)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(v.Content))
	for _, e := range v.Content {
		out = append(out, render.ResolveAlias(e))
	}
	return out
}

// scalars returns the scalar elements of the sequence at key k in mapping m.
func scalars(m *yaml.Node, k string) []*yaml.Node {
	var out []*yaml.Node
	for _, e := range items(m, k) {
		if e != nil && e.Kind == yaml.ScalarNode {
			out = append(out, e)
		}
	}
	return out
}
