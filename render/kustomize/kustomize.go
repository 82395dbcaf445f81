// Package kustomize renders kustomizations in-process with kustomize's krusty
// API and maps every rendered object back to the file a person edits.
//
// A render never touches the network: the kustomization tree is read first
// and remote bases, remote files and helmCharts are rejected before the build
// (GuardNetwork is the process-wide second line of defence). A render reads
// only the repository, through render.Options.RepoFS: the work tree or a git
// revision alike. Paths and symlinks that lead outside the repository are
// rejected by the pre-scan, naming the entry, and refused by the file system
// kustomize is given. The build uses krusty's defaults: builtin plugins only,
// helm disabled, and the RootOnly load restriction. Origin tracking is
// switched on in memory, through a file system wrapper, without editing the
// user's kustomization.
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
	fsys, err := opts.RepoFS()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	if len(t.Deployments) > 0 {
		var out []*render.Variant
		for i, d := range t.Deployments {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out = append(out, renderDeployment(ctx, fsys, opts.Root, t, d, i))
		}
		return out, nil
	}
	objs, err := renderTarget(ctx, newRepoFS(fsys, opts.Root), path.Clean(t.Dir))
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	return []*render.Variant{{Target: t, Objects: objs, Err: err}}, nil
}

// renderTarget scans, builds and maps the kustomization in dir.
func renderTarget(ctx context.Context, fsys *repoFS, dir string) ([]*render.Object, error) {
	tr, err := scan(fsys, dir)
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

// build runs krusty on the root of the tree, over the repository, with
// origin tracking on.
func build(tr *tree) (m resmap.ResMap, err error) {
	// Krusty reads the root kustomization file at its symlink-free path.
	file, err := tr.fs.resolve(tr.root.file)
	if err != nil {
		return nil, &render.FileError{File: tr.root.file, Err: err}
	}
	fsys := originFS{FileSystem: tr.fs, repo: tr.fs}
	if files, ok := tr.annotatedFiles(); ok {
		fsys.files, tr.annotationMode = files, true
	} else {
		fsys.root = tr.fs.abs(file)
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
	m, err = krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, tr.fs.abs(tr.root.dir))
	if err == nil && m == nil {
		err = errors.New("kustomize returned no result")
	}
	return m, err
}
