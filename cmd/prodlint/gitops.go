package main

import (
	"fmt"
	"io/fs"

	"github.com/prodlint/prodlint/change"
	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// resolveGitOps adds the deployments of the repository's GitOps objects to
// targets; nil when GitOps resolution is off.
func resolveGitOps(fsys fs.FS, sc *scope, settings *lint.Settings, targets []render.Target) (*gitops.Plan, error) {
	if settings.GitOps.Disabled {
		return nil, nil
	}
	urls := append(change.RemoteURLs(sc.root), settings.GitOps.RepoURLs...)
	plan, err := gitops.Resolve(fsys, targets, gitops.Options{RepoURLs: urls, Under: sc.under})
	if err != nil {
		return nil, fmt.Errorf("%s: reading GitOps objects: %w", sc.path, err)
	}
	return plan, nil
}

// gitopsEnv is what the GitOps rules know: the production pattern and the
// problems found while resolving.
func gitopsEnv(settings *lint.Settings, plan *gitops.Plan) lint.GitOpsEnv {
	return lint.GitOpsEnv{Production: settings.GitOps.ProductionPattern(), Problems: lint.PlanProblems(plan)}
}
