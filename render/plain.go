package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// PlainRenderer reads plain manifests: every YAML document with apiVersion
// and kind is an object, located exactly in its own file. kind: List items are
// objects of their own.
type PlainRenderer struct{}

// Render implements Renderer.
func (PlainRenderer) Render(ctx context.Context, t Target, opts Options) ([]*Variant, error) {
	fsys, err := opts.RepoFS()
	if err != nil {
		return nil, err
	}
	var objs []*Object
	var errs []error
	for _, f := range t.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o, err := ReadManifest(fsys, f)
		objs = append(objs, o...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(t.Deployments) == 0 {
		return []*Variant{{Target: t, Objects: objs, Err: errors.Join(errs...)}}, nil
	}
	// Deployed by GitOps objects: once per deployment, each with its own
	// copy of the objects (substitution and namespaces differ).
	var out []*Variant
	for i, d := range t.Deployments {
		v := &Variant{Target: t, Name: d.Name, Notes: d.Notes, Deployment: d}
		if i == 0 {
			v.Objects = objs
		} else {
			for _, f := range t.Files {
				o, _ := ReadManifest(fsys, f)
				v.Objects = append(v.Objects, o...)
			}
		}
		var derrs []error
		v.Objects, derrs = Deploy(v.Objects, d)
		v.Err = errors.Join(append(slices.Clone(errs), derrs...)...)
		out = append(out, v)
	}
	return out, nil
}

// ReadManifest parses every document of a manifest file. Documents that are
// not Kubernetes objects are skipped. A syntax error stops the file; the
// objects before it are returned with a *FileError naming the line.
func ReadManifest(fsys fs.FS, file string) ([]*Object, error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, &FileError{File: file, Err: ReadError(err)}
	}
	return ParseManifest(file, b)
}

// Bounds on one manifest file, so that a hostile or generated file ends in
// a clear error instead of seconds of parsing and gigabytes of memory.
const (
	// MaxFileSize is the largest manifest prodlint parses (8 MiB).
	MaxFileSize = 8 << 20
	// MaxYAMLTokens bounds the commas, brackets, braces and lines of a
	// manifest, which drive the parser's work and memory.
	MaxYAMLTokens = 250_000
)

// yamlTokens counts the bytes that make the YAML parser work hardest.
func yamlTokens(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case ',', '[', '{', '\n':
			n++
		}
	}
	return n
}

// TooBig says why a YAML file is too big to parse (MaxFileSize,
// MaxYAMLTokens), or "".
func TooBig(b []byte) string {
	if len(b) > MaxFileSize {
		return fmt.Sprintf("the file has %d bytes, more than prodlint parses (%d); split it or exclude it", len(b), MaxFileSize)
	}
	if n := yamlTokens(b); n > MaxYAMLTokens {
		return fmt.Sprintf("the file has %d commas, brackets, braces and lines, more than prodlint parses (%d); split it or exclude it", n, MaxYAMLTokens)
	}
	return ""
}

// ParseManifest parses the documents of a manifest held in memory.
func ParseManifest(file string, b []byte) ([]*Object, error) {
	if why := TooBig(b); why != "" {
		return nil, &FileError{File: file, Err: errors.New(why)}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var objs []*Object
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return objs, YAMLError(file, err)
		}
		if !IsObject(&doc) {
			continue
		}
		o, err := NewObject(&doc)
		if err != nil {
			return objs, &FileError{File: file, Line: doc.Line, Err: err}
		}
		if isListKind(o) {
			objs = append(objs, listItems(file, i, o)...)
			continue
		}
		o.File, o.Doc = file, i
		o.Locator = NodeLocator{File: file, Node: o.Node}
		objs = append(objs, o)
	}
}

func isListKind(o *Object) bool {
	return o.Kind == "List" && o.APIVersion == "v1" || len(o.Kind) > 4 && o.Kind[len(o.Kind)-4:] == "List" && o.Raw["items"] != nil
}

func listItems(file string, doc int, list *Object) []*Object {
	_, items := mapGet(list.Node, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil
	}
	var objs []*Object
	for _, it := range items.Content {
		if !IsObject(it) {
			continue
		}
		o, err := NewObject(it)
		if err != nil || o == nil {
			continue
		}
		o.File, o.Doc = file, doc
		o.Locator = NodeLocator{File: file, Node: o.Node}
		objs = append(objs, o)
	}
	return objs
}

// Escapes reports whether a file-system error says that a path or symlink
// leaves the repository: os.Root's "path escapes from parent", or a git
// revision tree's "points outside the repository".
func Escapes(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "path escapes from parent") || strings.Contains(msg, "points outside the repository")
}

// ReadError words a file-system error for the user. A symlink or path that
// leaves the repository says so.
func ReadError(err error) error {
	if Escapes(err) {
		return errors.New("the path or a symlink in it points outside the repository; prodlint reads only files inside it")
	}
	return fmt.Errorf("cannot read: %w", err)
}
