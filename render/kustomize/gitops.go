package kustomize

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// overlayRoot is the virtual folder that holds the overlay kustomizations
// of GitOps deployments. It exists only in the file system given to
// kustomize; nothing is written.
const overlayRoot = ".prodlint-gitops"

// renderDeployment renders target t as GitOps deployment d (number n of the
// target): the target itself, or, when d has kustomize options, a virtual
// overlay kustomization that uses the target as its resource and sets
// them, as Argo CD and Flux do. Findings caused by an option point at its
// line in the GitOps object's file.
func renderDeployment(ctx context.Context, base fs.FS, root string, t render.Target, d *render.Deployment, n int) *render.Variant {
	v := &render.Variant{Target: t, Name: d.Name, Notes: slices.Clone(d.Notes), Deployment: d}
	dir := path.Clean(t.Dir)
	fsys := base
	var ov *overlay
	switch {
	case d.Kustomize.Empty():
	case dir == ".":
		v.Notes = append(v.Notes, fmt.Sprintf("the kustomize options of %s are not applied: the kustomization is at the repository root", d.Name))
	default:
		var err error
		ov, err = newOverlay(base, fmt.Sprintf("%s/%d", overlayRoot, n), dir, d)
		if err != nil {
			v.Err = &render.FileError{File: d.File, Line: d.Line, Err: err}
			return v
		}
		files := map[string][]byte{ov.file: ov.text}
		for virt, c := range ov.copies {
			files[virt] = c.data
		}
		fsys = render.LayerFS(base, files)
		dir = ov.dir
	}
	objs, err := renderTarget(ctx, newRepoFS(fsys, root), dir)
	if ov != nil {
		err = ov.mapError(err)
		for _, o := range objs {
			o.Locator = overlayLocator{inner: o.Locator, ov: ov}
			if o.File == ov.file {
				o.File = d.File
			}
		}
	}
	objs, derrs := render.Deploy(objs, d)
	v.Objects = objs
	v.Err = errors.Join(append([]error{err}, derrs...)...)
	return v
}

// overlay is the virtual kustomization of a deployment, with the place in
// the GitOps object's file of each of its lines.
type overlay struct {
	dir, file string // virtual folder and kustomization file
	text      []byte
	src       string        // the GitOps object's file
	def       int           // the object's line, for lines without a source
	lines     map[int]shift // virtual line -> source line and column shift
	widths    map[*yaml.Node]int
	// copies are the patch files of the options, copied into the
	// overlay's folder (kustomize loads patch files only from below it).
	copies map[string]copied
}

// copied is a file copied into the overlay folder.
type copied struct {
	file string // the repository file
	data []byte
}

// shift places a virtual line in the source: its line, and the columns
// moved by col, or at column col (width columns wide) when abs.
type shift struct {
	line, col int
	abs       bool
	width     int
}

// newOverlay writes the overlay kustomization of d over the target folder
// dir, in the virtual folder ovDir.
func newOverlay(fsys fs.FS, ovDir, dir string, d *render.Deployment) (*overlay, error) {
	copies := map[string]copied{}
	up := strings.Repeat("../", strings.Count(ovDir, "/")+1)
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	add("resources", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: up + dir}}})
	var srcs []*yaml.Node // the source node of each field, in doc order
	for _, f := range d.Kustomize.Fields {
		n := render.CloneNode(f.Node)
		// Paths in the options are relative to the deployed folder.
		switch f.Key {
		case "components":
			for _, c := range n.Content {
				if c.Kind == yaml.ScalarNode && !render.IsRemote(c.Value) {
					c.Value = up + path.Join(dir, c.Value)
				}
			}
		case "patches":
			for i, p := range n.Content {
				if pn := render.MapValue(p, "path"); pn != nil {
					file := path.Join(dir, pn.Value)
					b, err := fs.ReadFile(fsys, file)
					if err != nil {
						return nil, fmt.Errorf("patch %s: %w", file, render.ReadError(err))
					}
					name := fmt.Sprintf("patch-%d-%s", i, path.Base(file))
					copies[ovDir+"/"+name] = copied{file: file, data: b}
					pn.Value = name
				}
			}
		}
		add(f.Key, n)
		srcs = append(srcs, f.Node)
	}
	text, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	ov := &overlay{dir: ovDir, file: ovDir + "/kustomization.yaml", text: text, src: d.File, def: d.Line, lines: map[int]shift{}, copies: copies, widths: d.Kustomize.Widths}
	var back yaml.Node
	if err := yaml.Unmarshal(text, &back); err != nil || len(back.Content) == 0 {
		return nil, fmt.Errorf("kustomize options of %s: %v", d.Name, err)
	}
	emitted := strings.Split(string(text), "\n")
	srcLines := d.Kustomize.Lines
	m := back.Content[0]
	for i := 1; i < len(srcs)+1 && 2*i+1 < len(m.Content); i++ {
		ov.pair(m.Content[2*i+1], srcs[i-1], emitted, srcLines)
		k := m.Content[2*i]
		ov.set(k.Line, srcs[i-1].Line, 0, true)
	}
	return ov, nil
}

// pair maps the lines of emitted node e to the lines of source node s (the
// same tree, marshalled and parsed again).
func (ov *overlay) pair(e, s *yaml.Node, emitted, srcLines []string) {
	if e == nil || s == nil {
		return
	}
	if synthesized(s) {
		// Made from one string (an Argo CD image override): every line
		// of it is that string.
		ov.setAbs(e, s, max(1, ov.widths[s]))
		return
	}
	ov.set(e.Line, s.Line, s.Column-e.Column, false)
	if e.Kind == yaml.ScalarNode && strings.Contains(e.Value, "\n") {
		es, ss := render.BlockLines(e, emitted), render.BlockLines(s, srcLines)
		for i := range es {
			if i < len(ss) {
				ov.set(es[i].Line, ss[i].Line, ss[i].Column-es[i].Column, false)
			} else {
				ov.set(es[i].Line, s.Line, 0, false)
			}
		}
	}
	for i := 0; i < len(e.Content) && i < len(s.Content); i++ {
		ov.pair(e.Content[i], s.Content[i], emitted, srcLines)
	}
}

// synthesized reports a mapping whose nodes all sit at its own position.
func synthesized(s *yaml.Node) bool {
	if s.Kind != yaml.MappingNode || len(s.Content) == 0 {
		return false
	}
	for _, c := range s.Content {
		if c.Line != s.Line || c.Column != s.Column {
			return false
		}
	}
	return true
}

// setAbs maps every line of emitted node e to the position of s.
func (ov *overlay) setAbs(e, s *yaml.Node, width int) {
	ov.lines[e.Line] = shift{s.Line, s.Column, true, width} // wins over the enclosing list's shift
	for _, c := range e.Content {
		ov.setAbs(c, s, width)
	}
}

func (ov *overlay) set(virt, line, col int, weak bool) {
	if _, ok := ov.lines[virt]; ok && weak || line <= 0 {
		return
	}
	if _, ok := ov.lines[virt]; !ok {
		ov.lines[virt] = shift{line: line, col: col}
	}
}

// locate moves a location in the virtual kustomization to the GitOps
// object's file.
func (ov *overlay) locate(l render.Location) render.Location {
	if c, ok := ov.copies[l.File]; ok {
		l.File = c.file
		return l
	}
	if l.File != ov.file {
		return l
	}
	sh, ok := ov.lines[l.Line]
	if !ok {
		return render.Location{File: ov.src, Line: ov.def}.Normalize()
	}
	out := render.Location{File: ov.src, Line: sh.line, Col: l.Col + sh.col, EndLine: sh.line, EndCol: l.EndCol + sh.col}
	if sh.abs {
		out.Col, out.EndCol = sh.col, sh.col+sh.width
	}
	if l.EndLine != l.Line {
		out.EndLine, out.EndCol = sh.line, out.Col+1
	}
	return out.Normalize()
}

// mapError names the GitOps object instead of the virtual kustomization in
// a build error.
func (ov *overlay) mapError(err error) error {
	var fe *render.FileError
	if err == nil || !errors.As(err, &fe) {
		return err
	}
	if _, ok := ov.copies[fe.File]; !ok && fe.File != ov.file {
		return err
	}
	loc := ov.locate(render.Location{File: fe.File, Line: fe.Line})
	msg := fe.Err.Error()
	for virt, c := range ov.copies {
		msg = strings.ReplaceAll(msg, virt, c.file)
	}
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, ov.file, ov.src), ov.dir, "the overlay of "+ov.src)
	return &render.FileError{File: loc.File, Line: loc.Line, Err: errors.New(msg)}
}

// overlayLocator places the locations of an object rendered through an
// overlay.
type overlayLocator struct {
	inner render.Locator
	ov    *overlay
}

func (l overlayLocator) Locate(p render.Path) render.Location {
	return l.ov.locate(l.inner.Locate(p))
}

// Related implements render.RelatedLocator with the inner locator's
// related locations, moved out of the overlay like Locate's.
func (l overlayLocator) Related(p render.Path) []render.Related {
	rl, ok := l.inner.(render.RelatedLocator)
	if !ok {
		return nil
	}
	var out []render.Related
	for _, r := range rl.Related(p) {
		r.Location = l.ov.locate(r.Location)
		out = append(out, r)
	}
	return out
}
