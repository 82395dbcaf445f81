// Package kustomize renders kustomizations in-process with kustomize's krusty
// API and maps every rendered object back to the file a person edits.
//
// A render never touches the network: the kustomization tree is read first
// and remote bases, remote files and helmCharts are rejected before the build
// (GuardNetwork is the process-wide second line of defence). The build uses
// krusty's defaults: builtin plugins only, helm disabled, and the RootOnly
// load restriction. Origin tracking is switched on in memory, through a
// filesystem wrapper, without editing the user's kustomization.
package kustomize

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sync"

	"github.com/prodlint/prodlint/render"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// Renderer renders kustomize targets. The zero value is ready to use and is
// safe for concurrent use.
type Renderer struct{}

var _ render.Renderer = Renderer{}

// schemaMu guards kustomize's process-wide OpenAPI schema: builds without an
// openapi field share it (read lock); a build that sets one holds it alone
// and resets it afterwards.
var schemaMu sync.RWMutex

// Render implements render.Renderer. It returns one variant (Name ""); a
// failed build is reported in Variant.Err as a *render.FileError naming the
// kustomization file (and line) at fault. The error return is only used for
// a cancelled context or unusable options.
func (Renderer) Render(ctx context.Context, t render.Target, opts render.Options) ([]*render.Variant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(opts.Root) {
		return nil, fmt.Errorf("%s: repository root %q is not an absolute path", t, opts.Root)
	}
	objs, err := renderTarget(ctx, filepath.Clean(opts.Root), path.Clean(t.Dir))
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	return []*render.Variant{{Target: t, Objects: objs, Err: err}}, nil
}

// renderTarget scans, builds and maps the kustomization in dir.
func renderTarget(ctx context.Context, root, dir string) ([]*render.Object, error) {
	tr, err := scan(root, dir)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := build(tr)
	if err != nil {
		return nil, tr.explain(err)
	}
	return newMapper(tr).objects(m)
}

// build runs krusty on the root of the tree with origin tracking on.
func build(tr *tree) (m resmap.ResMap, err error) {
	dir, err := filepath.EvalSymlinks(tr.root.abs)
	if err != nil {
		return nil, &render.FileError{File: tr.root.dir, Err: err}
	}
	if tr.openapi {
		schemaMu.Lock()
		defer func() {
			openapi.ResetOpenAPI()
			schemaMu.Unlock()
		}()
	} else {
		schemaMu.RLock()
		defer schemaMu.RUnlock()
	}
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("kustomize failed: %v", r)
		}
	}()
	fs := newOriginFS(filepath.Join(dir, tr.root.name))
	m, err = krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err == nil && m == nil {
		err = errors.New("kustomize returned no result")
	}
	return m, err
}
