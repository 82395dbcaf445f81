package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"gopkg.in/yaml.v3"
)

// PlainRenderer reads plain manifests: every YAML document with apiVersion
// and kind is an object, located exactly in its own file. kind: List items are
// objects of their own.
type PlainRenderer struct {
	// FS is rooted at the repository root.
	FS fs.FS
}

// Render implements Renderer.
func (r PlainRenderer) Render(ctx context.Context, t Target, _ Options) ([]*Variant, error) {
	v := &Variant{Target: t}
	var errs []error
	for _, f := range t.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		objs, err := ReadManifest(r.FS, f)
		v.Objects = append(v.Objects, objs...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	v.Err = errors.Join(errs...)
	return []*Variant{v}, nil
}

// ReadManifest parses every document of a manifest file. Documents that are
// not Kubernetes objects are skipped. A syntax error stops the file; the
// objects before it are returned with a *FileError naming the line.
func ReadManifest(fsys fs.FS, file string) ([]*Object, error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, &FileError{File: file, Err: fmt.Errorf("cannot read: %w", err)}
	}
	return ParseManifest(file, b)
}

// ParseManifest parses the documents of a manifest held in memory.
func ParseManifest(file string, b []byte) ([]*Object, error) {
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
			return objs, yamlFileError(file, err)
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
