package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prodlint/prodlint/change"
	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// configFile is the prodlint configuration at the repository root; a change
// to it affects every target.
const configFile = ".prodlint.yaml"

// scope is what a lint run covers: the repository, the folder below it,
// and, for a change, the changed files and the base revision to compare with.
type scope struct {
	root  string // absolute repository root
	under string // slash path of the linted folder, relative to root
	path  string // the folder as the user gave it
	// changed lists the changed files (repository-relative); nil means
	// lint everything.
	changed []string
	// repo and baseRev are set when findings are compared with a base
	// revision (--base, --staged without --all-findings).
	repo    *change.Repo
	baseRev string
}

func (s *scope) close() {
	if s.repo != nil {
		s.repo.Close()
	}
}

// resolveScope works out what to lint from the flags, the PATH argument and
// the files after "--".
func resolveScope(f *lintFlags, path string, files []string) (*scope, error) {
	sc := &scope{path: path}
	if f.base != "" || f.staged {
		repo, err := change.Open(path)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		sc.repo, sc.root = repo, repo.Root()
		var diff *change.Diff
		if f.base != "" {
			diff, err = repo.Since(f.base)
		} else {
			diff, err = repo.Staged()
		}
		if err != nil {
			repo.Close()
			return nil, usageError{err.Error()}
		}
		sc.changed = append([]string{}, diff.Paths()...)
		if !f.allFindings {
			sc.baseRev = diff.Base
		}
		if sc.under, err = relTo(sc.root, path); err != nil {
			repo.Close()
			return nil, err
		}
	} else {
		root, under, err := locateRepo(path)
		if err != nil {
			return nil, err
		}
		sc.root, sc.under = root, under
	}
	if len(files) > 0 && sc.changed == nil {
		sc.changed = []string{}
	}
	for _, file := range files {
		rel, err := relTo(sc.root, file)
		if err != nil {
			sc.close()
			return nil, err
		}
		sc.changed = append(sc.changed, rel)
	}
	return sc, nil
}

// relTo returns p (relative to the working folder, or absolute) as a slash
// path relative to root, or an error when it is outside root.
func relTo(root, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", usagef("%s: %v", p, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", usagef("%s is outside the repository %s", p, root)
	}
	return filepath.ToSlash(rel), nil
}

// lintScope discovers the targets of the scope, keeps those the change
// affects, lints them (and their base revision for a comparison) and returns
// the result; nil means the change touches nothing to lint.
func lintScope(f *lintFlags, sc *scope, opts render.Options) (*lint.Result, error) {
	fsys, err := opts.RepoFS()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.root, err)
	}
	opts.FS = fsys
	settings, err := loadSettings(f, sc, fsys)
	if err != nil {
		return nil, err
	}
	if settings.KubeVersion != "" && !f.kubeSet {
		if opts.KubeVersion, err = normalizeKubeVersion(settings.KubeVersion); err != nil {
			return nil, err
		}
	}
	opts.APIVersions = append(opts.APIVersions, settings.APIVersions...)
	scanned := scanGitOps(fsys, settings)
	disc, err := render.Discover(fsys, sc.under)
	if err != nil {
		return nil, usagef("%s: %v", sc.path, err)
	}
	// GitOps deployments first: they replace the values variants found
	// by name; the configuration's own values files are added after.
	targets, discErrs := disc.Targets, disc.Errors
	idx, err := waitScan(sc, scanned)
	if err != nil {
		return nil, err
	}
	plan := resolveGitOps(opts, sc, settings, targets, idx, f.timeout)
	if plan != nil {
		targets = plan.Targets
	}
	targets = applySettings(settings, targets)
	global := []string{configFile}
	if f.config != "" {
		if rel, err := relTo(sc.root, f.config); err == nil {
			global = append(global, rel)
		}
	}
	var g *render.Graph
	if sc.changed != nil || f.shardCount > 0 {
		g = render.BuildGraph(fsys, targets, global...)
	}
	if f.shardCount > 0 {
		// Shards come from the whole tree, so a target's shard does not
		// depend on the change.
		targets = g.Shards(f.shardCount)[f.shardIndex]
		if f.shardIndex > 0 {
			discErrs = nil // reported once, by the first shard
		}
	}
	if sc.changed != nil {
		// The graph covers the whole tree; keep the affected targets that
		// are in scope (this shard, or all of them).
		inScope := map[string]bool{}
		for _, t := range targets {
			inScope[t.String()] = true
		}
		targets = slices.DeleteFunc(g.Affected(sc.changed), func(t render.Target) bool { return !inScope[t.String()] })
		discErrs = slices.DeleteFunc(slices.Clone(discErrs), func(e *render.FileError) bool {
			return !slices.Contains(sc.changed, e.File)
		})
		if len(targets) == 0 && len(discErrs) == 0 {
			return nil, nil
		}
	}
	cfg := lint.Config{Targets: targets, Renderers: renderers(), Render: opts, Parallel: f.parallel, Rules: settings.EnabledRules(), Exclude: settings.Excluded, TargetTimeout: f.timeout, GitOps: gitopsEnv(settings, plan)}
	var failedAtBase map[string]bool
	if sc.baseRev != "" {
		cfg.Baseline, failedAtBase, err = lintBase(sc, settings, cfg, idx, plan != nil && plan.Objects > 0)
		if err != nil {
			return nil, err
		}
	}
	res := lint.Run(context.Background(), cfg)
	if plan != nil {
		res.Notes = append(res.Notes, plan.Notes...)
	}
	failedNow := map[string]bool{}
	for _, e := range res.Errors {
		failedNow[e.Target.String()] = true
	}
	for _, t := range targets {
		if failedAtBase[t.String()] && !failedNow[t.String()] {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: fixed: it failed to render at the base revision and renders now", t))
		}
	}
	for _, fe := range discErrs {
		res.Errors = append(res.Errors, &lint.TargetError{Target: targetOfFile(fe.File), Err: fe})
	}
	if sc.changed == nil && f.shardCount == 0 && len(disc.Targets) == 0 && len(disc.Errors) == 0 {
		res.Errors = append(res.Errors, &lint.TargetError{
			Target: render.Target{Kind: render.Plain, Dir: sc.under},
			Err:    fmt.Errorf("%s: %w; point prodlint at the folder that holds them", displayPath(sc.path), lint.ErrNoTargets),
		})
	}
	lint.SortErrors(res.Errors)
	return res, nil
}

// lintBase lints the targets as they were at the base revision, read
// straight from git objects, and returns the baseline and the targets that
// failed to render there. A target that did not exist at the base has no
// baseline findings, so all its findings are new.
// The configuration of the head applies to both sides.
func lintBase(sc *scope, settings *lint.Settings, head lint.Config, headIdx *gitops.Index, gitopsAtHead bool) (*lint.Baseline, map[string]bool, error) {
	baseFS, err := sc.repo.TreeFS(sc.baseRev)
	if err != nil {
		return nil, nil, err
	}
	cfg := head
	cfg.Render.FS = baseFS
	// Discover only the affected targets' folders at the base: the whole
	// base tree is not needed.
	atBase := map[string]render.Target{}
	seen := map[string]bool{}
	for _, t := range head.Targets {
		if seen[t.Dir] {
			continue
		}
		seen[t.Dir] = true
		if disc, err := render.Discover(baseFS, t.Dir); err == nil {
			for _, bt := range disc.Targets {
				if bt.Dir == t.Dir {
					atBase[bt.String()] = bt
				}
			}
		}
	}
	var baseTargets []render.Target
	for _, t := range head.Targets {
		if bt, ok := atBase[t.String()]; ok {
			baseTargets = append(baseTargets, bt)
		}
	}
	// The GitOps objects of the base, only when the head has some: a
	// repository without them is not scanned twice.
	var plan *gitops.Plan
	if gitopsAtHead && headIdx != nil {
		// The base differs from the head only in the changed files.
		plan = resolveGitOps(cfg.Render, sc, settings, baseTargets, headIdx.Rescan(baseFS, sc.changed), head.TargetTimeout)
	}
	if plan != nil {
		baseTargets = plan.Targets
	}
	baseTargets = applySettings(settings, baseTargets)
	cfg.Targets = nil
	for _, bt := range baseTargets {
		i := slices.IndexFunc(head.Targets, func(t render.Target) bool { return t.String() == bt.String() })
		if i < 0 {
			continue
		}
		// The same variants as at the head: a change that reaches some
		// deployments only is compared on those.
		t := head.Targets[i]
		bt.Variants = slices.DeleteFunc(bt.Variants, func(v string) bool { return !slices.Contains(t.Variants, v) })
		if len(t.Deployments) > 0 {
			bt.Deployments = slices.DeleteFunc(bt.Deployments, func(d *render.Deployment) bool {
				return !slices.ContainsFunc(t.Deployments, func(h *render.Deployment) bool { return h.Name == d.Name })
			})
			if len(bt.Deployments) == 0 && len(bt.Variants) == 0 {
				continue // deployed only now: every finding is new
			}
		}
		cfg.Targets = append(cfg.Targets, bt)
	}
	cfg.GitOps = gitopsEnv(settings, plan)
	res := lint.Run(context.Background(), cfg)
	failed := map[string]bool{}
	for _, e := range res.Errors {
		failed[e.Target.String()] = true
	}
	return lint.NewBaseline(res), failed, nil
}
