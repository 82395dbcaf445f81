package main

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/prodlint/prodlint/change"
	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// scanGitOps starts reading the GitOps objects of the repository in the
// background, while the targets are discovered; nil when GitOps resolution
// is off.
func scanGitOps(fsys fs.FS, settings *lint.Settings) func() (*gitops.Index, error) {
	if settings.GitOps.Disabled {
		return nil
	}
	type result struct {
		idx *gitops.Index
		err error
	}
	ch := make(chan result, 1)
	go func() {
		idx, err := gitops.Scan(fsys)
		ch <- result{idx, err}
	}()
	return func() (*gitops.Index, error) {
		r := <-ch
		return r.idx, r.err
	}
}

// resolveGitOps adds the deployments of the GitOps objects of idx (a scan
// of opts.FS) to targets; nil when GitOps resolution is off (idx is nil).
func resolveGitOps(opts render.Options, sc *scope, settings *lint.Settings, targets []render.Target, idx *gitops.Index, timeout time.Duration) *gitops.Plan {
	if idx == nil {
		return nil
	}
	urls := append(change.RemoteURLs(sc.root), settings.GitOps.RepoURLs...)
	return idx.Resolve(opts.FS, targets, gitops.Options{RepoURLs: urls, Under: sc.under, Render: appsOfApps(opts, timeout)})
}

// waitScan waits for a scan started with scanGitOps; nil when there is none.
func waitScan(sc *scope, scanned func() (*gitops.Index, error)) (*gitops.Index, error) {
	if scanned == nil {
		return nil, nil
	}
	idx, err := scanned()
	if err != nil {
		return nil, fmt.Errorf("%s: reading GitOps objects: %w", sc.path, err)
	}
	return idx, nil
}

// appsOfApps renders an app-of-apps chart for GitOps resolution: every
// variant's objects. A chart that fails renders what it can; its error is
// reported when the chart is linted.
func appsOfApps(opts render.Options, timeout time.Duration) func(render.Target) []*render.Object {
	if timeout <= 0 {
		timeout = lint.DefaultTargetTimeout
	}
	return func(t render.Target) []*render.Object {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		vs, _ := renderers()[t.Kind].Render(ctx, t, opts)
		var objs []*render.Object
		for _, v := range vs {
			objs = append(objs, v.Objects...)
		}
		return objs
	}
}

// gitopsEnv is what the GitOps rules know: the production pattern and the
// problems found while resolving.
func gitopsEnv(settings *lint.Settings, plan *gitops.Plan) lint.GitOpsEnv {
	return lint.GitOpsEnv{Production: settings.GitOps.ProductionPattern(), Problems: lint.PlanProblems(plan), Generated: lint.PlanGenerated(plan)}
}
