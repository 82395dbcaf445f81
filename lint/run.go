package lint

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prodlint/prodlint/render"
)

// Config says what to lint and how.
type Config struct {
	// Targets are the targets to render and lint.
	Targets []render.Target
	// Renderers renders each kind of target.
	Renderers map[render.Kind]render.Renderer
	// Render are the options passed to every renderer.
	Render render.Options
	// Rules to run; nil means every registered rule.
	Rules []*Rule
	// Parallel is the number of targets rendered at once; 0 means one per
	// core.
	Parallel int
	// TargetTimeout is the time budget of one target's render (all its
	// variants); 0 means DefaultTargetTimeout.
	TargetTimeout time.Duration
	// Exclude, when set, drops findings located in the files it matches.
	Exclude func(file string) bool
	// GitOps is what the GitOps rules know about the repository.
	GitOps GitOpsEnv
	// Baseline, when set, is the lint result of the change's base revision:
	// findings are classified new or unchanged, and Result.Fixed lists what
	// the change fixed.
	Baseline *Baseline
}

// TargetError is a target (or one variant of it) that failed to render.
type TargetError struct {
	Target  render.Target
	Variant string
	// Deployment is true when the variant is a GitOps deployment.
	Deployment bool
	Err        error
}

func (e *TargetError) Error() string {
	v := ""
	switch {
	case e.Deployment: // "Application web"
		v = " (" + e.Variant + ")"
	case e.Variant != "":
		v = " (values " + e.Variant + ")"
	}
	return fmt.Sprintf("render %s%s: %v", e.Target, v, e.Err)
}

// Unwrap returns the cause.
func (e *TargetError) Unwrap() error { return e.Err }

// File returns the file and line the error names (a *render.FileError in
// its chain), or "" when it names none; reports then place it at the
// target's folder.
func (e *TargetError) File() (string, int) {
	var fe *render.FileError
	if errors.As(e.Err, &fe) && fe.File != "" {
		return fe.File, fe.Line
	}
	return "", 0
}

// Result is the outcome of a lint run.
type Result struct {
	Targets  []render.Target
	Findings []Finding
	Errors   []*TargetError
	// Notes are non-fatal remarks from the renderers, prefixed with their
	// target.
	Notes []string
	// Objects counts the rendered objects over all targets and variants.
	Objects int
	// Fixed lists the base revision's findings that the change fixed (only
	// with Config.Baseline).
	Fixed []Finding

	// raw are the findings before post-processing, for baselines.
	raw []Finding
}

// Run renders every target (in parallel), runs the rules on the rendered
// objects, places the findings in files and post-processes them (dedup across
// variants, sort). A target that fails never hides the findings of the others.
func Run(ctx context.Context, cfg Config) *Result {
	rules := cfg.Rules
	if rules == nil {
		rules = DefaultRules()
	}
	par := cfg.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	// Phase 1: render every target, in parallel.
	rendered := make([]renderedTarget, len(cfg.Targets))
	parallel(len(cfg.Targets), par, func(i int) {
		t := cfg.Targets[i]
		vs, err := renderWithTimeout(ctx, cfg, t)
		rendered[i] = renderedTarget{target: t, variants: vs, err: err}
	})
	// Phase 2: what rules may need from every render (CRD schemas).
	var crds, all []*render.Object
	for _, r := range rendered {
		for _, v := range r.variants {
			all = append(all, v.Objects...)
			for _, o := range v.Objects {
				if o.Kind == "CustomResourceDefinition" && strings.HasPrefix(o.APIVersion, "apiextensions.k8s.io/") {
					crds = append(crds, o)
				}
			}
		}
	}
	// Phase 3: check every variant, in parallel.
	type out struct {
		findings []Finding
		errs     []*TargetError
		notes    []string
		objects  int
		sups     []*suppression
		files    []string
	}
	outs := make([]out, len(cfg.Targets))
	parallel(len(rendered), par, func(i int) {
		r, o := rendered[i], &outs[i]
		t := r.target
		if r.err != nil {
			o.errs = append(o.errs, &TargetError{Target: t, Err: r.err})
		}
		for _, v := range r.variants {
			if v.Err != nil {
				o.errs = append(o.errs, &TargetError{Target: t, Variant: v.Name, Deployment: v.Deployment != nil, Err: v.Err})
			}
			for _, n := range v.Notes {
				o.notes = append(o.notes, fmt.Sprintf("%s: %s", t, n))
			}
			o.objects += len(v.Objects)
			fs, sups, err := checkSafely(rules, Env{KubeVersion: cfg.Render.KubeVersion, Target: t, CRDs: crds, GitOps: cfg.GitOps}, v)
			if err != nil {
				o.errs = append(o.errs, &TargetError{Target: t, Variant: v.Name, Deployment: v.Deployment != nil, Err: err})
			}
			o.findings = append(o.findings, fs...)
			o.sups = append(o.sups, sups...)
			for _, obj := range v.Objects {
				o.files = append(o.files, obj.File)
			}
		}
	})
	res := &Result{Targets: cfg.Targets}
	var sups []*suppression
	files := map[string]bool{}
	for _, o := range outs {
		res.Findings = append(res.Findings, o.findings...)
		res.Errors = append(res.Errors, o.errs...)
		res.Notes = append(res.Notes, o.notes...)
		res.Objects += o.objects
		sups = append(sups, o.sups...)
		for _, f := range o.files {
			files[f] = true
		}
	}
	if runsCustomSchemaRules(rules) {
		if n := SchemaCoverageNote(all, crds); n != "" {
			res.Notes = append(res.Notes, n)
		}
	}
	res.Notes = uniq(res.Notes)
	if cfg.Exclude != nil {
		res.Findings = slices.DeleteFunc(res.Findings, func(f Finding) bool { return cfg.Exclude(f.Location.File) })
	}
	res.Findings = append(res.Findings, suppressions(cfg, rules, res.Findings, sups, files)...)
	res.raw = append([]Finding(nil), res.Findings...)
	if cfg.Baseline != nil {
		res.Fixed = PostProcess(cfg.Baseline.classify(res.Findings), cfg.Targets)
	}
	res.Findings = PostProcess(res.Findings, cfg.Targets)
	return res
}

// renderedTarget is a target's render output.
type renderedTarget struct {
	target   render.Target
	variants []*render.Variant
	err      error
}

// parallel calls f(0..n-1) on at most par goroutines at once.
func parallel(n, par int, f func(i int)) {
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// DefaultTargetTimeout is the default time budget of one target's render.
const DefaultTargetTimeout = 60 * time.Second

// renderWithTimeout renders a target within the time budget. A render that
// runs over becomes that target's error; its goroutine is abandoned (Helm
// stops at the context, kustomize cannot be stopped), which is fine for a
// command that exits afterwards.
func renderWithTimeout(ctx context.Context, cfg Config, t render.Target) ([]*render.Variant, error) {
	budget := cfg.TargetTimeout
	if budget <= 0 {
		budget = DefaultTargetTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	type result struct {
		vs  []*render.Variant
		err error
	}
	done := make(chan result, 1)
	go func() {
		vs, err := renderSafely(ctx, cfg.Renderers, t, cfg.Render)
		done <- result{vs, err}
	}()
	select {
	case r := <-done:
		if r.err == nil && ctx.Err() != nil {
			r.err = fmt.Errorf("render took longer than %s (--target-timeout); the output may be incomplete", budget)
		}
		return r.vs, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("render took longer than %s and was stopped (--target-timeout); look for a runaway template or a huge input", budget)
	}
}

func renderSafely(ctx context.Context, rs map[render.Kind]render.Renderer, t render.Target, opts render.Options) (vs []*render.Variant, err error) {
	defer func() {
		if r := recover(); r != nil {
			vs, err = nil, fmt.Errorf("internal error (please report it): %v\n%s", r, firstFrames(debug.Stack()))
		}
	}()
	r, ok := rs[t.Kind]
	if !ok {
		return nil, fmt.Errorf("no renderer for %s targets", t.Kind)
	}
	return r.Render(ctx, t, opts)
}

func checkSafely(rules []*Rule, env Env, v *render.Variant) (fs []Finding, sups []*suppression, err error) {
	var cur string
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in rule %s (please report it): %v\n%s", cur, r, firstFrames(debug.Stack()))
		}
	}()
	for _, obj := range v.Objects {
		sup := annotationSuppression(obj)
		if sup != nil {
			sups = append(sups, sup)
		}
		for _, r := range rules {
			if r.Meta {
				continue
			}
			cur = r.ID
			for _, p := range r.Run(env, obj, v.Objects) {
				f := newFinding(r, env.Target, v.Name, obj, p)
				if sup != nil {
					f.annotation = locKey(sup.loc)
				}
				fs = append(fs, f)
			}
		}
	}
	return fs, sups, nil
}

// suppressions applies in-source suppressions to findings and returns the
// findings about the suppressions themselves, for the meta rules that run.
// A suppression naming a rule that does not run this time is not unused.
func suppressions(cfg Config, rules []*Rule, fs []Finding, sups []*suppression, files map[string]bool) []Finding {
	fsys, err := cfg.Render.RepoFS()
	if err != nil {
		fsys = nil
	}
	var list []string
	for f := range files {
		list = append(list, f)
	}
	sort.Strings(list)
	running := map[string]bool{}
	for _, r := range rules {
		running[r.ID] = true
	}
	var out []Finding
	for _, m := range suppress(fsys, fs, sups, list, running) {
		if running[m.Rule] {
			out = append(out, m)
		}
	}
	return out
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func newFinding(r *Rule, t render.Target, variant string, obj *render.Object, p Problem) Finding {
	f := Finding{
		Rule:       r.ID,
		Severity:   r.Severity,
		Message:    p.Message,
		Target:     t.Dir,
		TargetKind: t.Kind,
		Variants:   []string{variant},
		Object:     ObjectRef{APIVersion: obj.APIVersion, Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name},
		Container:  p.Container,
		Path:       p.Path.String(),
		Hook:       obj.Hook,
	}
	var loc render.Location
	if obj.Locator != nil {
		loc = obj.Locator.Locate(p.Path)
		if rl, ok := obj.Locator.(render.RelatedLocator); ok {
			for _, r := range rl.Related(p.Path) {
				if r.Location.File != "" && r.Location != loc {
					r.Location = r.Location.Normalize()
					f.Related = append(f.Related, r)
				}
			}
		}
	}
	if loc.File == "" {
		loc.File = obj.File
	}
	f.Location = loc.Normalize()
	f.Fingerprint = fingerprint(&f)
	return f
}

// PostProcess is the ordered list of steps after the rules ran:
//  1. merge the same problem found in several variants of a target into one
//     finding, and drop the variant list when every variant has it;
//  2. merge the same problem at the same place in several targets (a
//     kustomize base used by overlays) into one finding;
//  3. sort.
func PostProcess(fs []Finding, targets []render.Target) []Finding {
	return sortFindings(mergeTargets(promoteValues(mergeVariants(fs, targets), targets)))
}

// promoteValues makes the values file line the primary location of a
// finding that only some variants of a chart have, when that variant's own
// values file supplied the value: the template line is shared by every
// variant, the values line is what to edit. The template line stays as a
// related location.
func promoteValues(fs []Finding, targets []render.Target) []Finding {
	own := variantFiles(targets)
	for i := range fs {
		f := &fs[i]
		if len(f.Variants) == 0 && own[f.Target+"\x00*"] == nil {
			continue
		}
		j, values := -1, 0
		for k, r := range f.Related {
			if r.Value {
				j, values = k, values+1
			}
		}
		if values != 1 || !fromVariant(f, f.Related[j].Location.File, own) {
			continue
		}
		what := "manifest line" // a manifest with a ${VAR} of a Flux Kustomization
		if f.TargetKind == render.Helm {
			what = "template line"
		}
		tmpl := render.Related{Location: f.Location, Message: what}
		f.Location = f.Related[j].Location
		f.Related = append(append(slices.Clone(f.Related[:j]), f.Related[j+1:]...), tmpl)
	}
	return fs
}

// fromVariant reports whether file is a values file of one of the
// finding's variants: the values file of a values variant, or a file a
// GitOps deployment takes values from (the Application itself for inline
// values).
func fromVariant(f *Finding, file string, own map[string][]string) bool {
	if len(f.Variants) == 0 { // every variant: of a deployed chart, every deployment
		return slices.Contains(own[f.Target+"\x00*"], file)
	}
	for _, v := range f.Variants {
		if v == "" {
			continue
		}
		if files, ok := own[f.Target+"\x00"+v]; ok {
			if slices.Contains(files, file) {
				return true
			}
			continue
		}
		if render.Rel(f.Target, v) == file {
			return true
		}
	}
	return false
}

// variantFiles maps "target dir\x00deployment name" to the files the
// deployment takes values from, and "target dir\x00*" to those of every
// deployment of the target.
func variantFiles(targets []render.Target) map[string][]string {
	out := map[string][]string{}
	for _, t := range targets {
		for _, d := range t.Deployments {
			files := d.Deps // the object's file, its values files and ConfigMaps
			out[t.Dir+"\x00"+d.Name] = files
			out[t.Dir+"\x00*"] = append(out[t.Dir+"\x00*"], files...)
		}
	}
	return out
}

// mergeVariants makes one finding of one problem rendered by several
// variants of a target: same fingerprint, location and message.
func mergeVariants(fs []Finding, targets []render.Target) []Finding {
	type key struct {
		rule, msg, fp string
		loc           render.Location
	}
	idx := map[key]int{}
	var out []Finding
	for _, f := range fs {
		k := key{f.Rule, f.Message, f.Fingerprint, f.Location}
		if i, ok := idx[k]; ok {
			out[i].Variants = appendUnique(out[i].Variants, f.Variants...)
			out[i].Related = appendRelated(out[i].Related, f.Related...)
			out[i].Baseline = mergeBaseline(out[i].Baseline, f.Baseline)
			continue
		}
		idx[k] = len(out)
		out = append(out, f)
	}
	nvariants := map[string]int{}
	deployed := map[string]bool{} // target dir and deployment name
	for _, t := range targets {
		for _, d := range t.Deployments {
			deployed[t.Dir+"\x00"+d.Name] = true
		}
		n := 1 + len(t.Variants)
		if len(t.Deployments) > 0 {
			n = len(t.Variants) + len(t.Deployments) // deployments replace the default
		}
		nvariants[t.Dir] = n
	}
	for i := range out {
		sort.Strings(out[i].Variants)
		n, ok := nvariants[out[i].Target]
		// The name of a lone GitOps deployment stays: it says which
		// Application or release the finding is about.
		lone := n == 1 && len(out[i].Variants) == 1 && deployed[out[i].Target+"\x00"+out[i].Variants[0]]
		if (!ok || len(out[i].Variants) >= n) && !lone {
			out[i].Variants = nil
		}
	}
	return out
}

// mergeTargets makes one finding of one problem at one place found through
// several targets. The finding keeps the first target (in target order) and
// lists the others in Also; its fingerprint is the smallest of the merged
// ones, so it stays stable when another overlay starts using the base.
func mergeTargets(fs []Finding) []Finding {
	type key struct {
		rule, msg, container, path, kind string
		loc                              render.Location
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Target < fs[j].Target })
	idx := map[key]int{}
	var out []Finding
	for _, f := range fs {
		k := key{f.Rule, f.Message, f.Container, f.Path, f.Object.Kind, f.Location}
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, f)
			continue
		}
		m := &out[i]
		if f.Target == m.Target && len(m.Variants) > 0 && len(f.Variants) > 0 {
			// The same problem in other objects of other variants (GitOps
			// deployments name their releases differently): list them all.
			m.Variants = appendUnique(m.Variants, f.Variants...)
			sort.Strings(m.Variants)
		}
		// The other target's related places (its base line) stay too.
		m.Related = appendRelated(m.Related, f.Related...)
		m.Also = append(m.Also, Occurrence{Target: f.Target, TargetKind: f.TargetKind, Variants: f.Variants, Object: f.Object, Fingerprint: f.Fingerprint})
		if f.Fingerprint < m.Fingerprint {
			m.Fingerprint = f.Fingerprint
		}
		m.Baseline = mergeBaseline(m.Baseline, f.Baseline)
	}
	return out
}

func appendRelated(rs []render.Related, more ...render.Related) []render.Related {
	for _, m := range more {
		if !slices.ContainsFunc(rs, func(r render.Related) bool { return r.Location == m.Location }) {
			rs = append(rs, m)
		}
	}
	return rs
}

func appendUnique(s []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, x := range s {
			found = found || x == v
		}
		if !found {
			s = append(s, v)
		}
	}
	return s
}

func sortFindings(fs []Finding) []Finding {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		if a.Location.Col != b.Location.Col {
			return a.Location.Col < b.Location.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		if x, y := a.Object.String(), b.Object.String(); x != y {
			return x < y
		}
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return strings.Join(a.Variants, ",") < strings.Join(b.Variants, ",")
	})
	return fs
}

// SortErrors orders target errors deterministically.
func SortErrors(es []*TargetError) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Target.Dir != es[j].Target.Dir {
			return es[i].Target.Dir < es[j].Target.Dir
		}
		return es[i].Variant < es[j].Variant
	})
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 16 {
		lines = lines[:16]
	}
	return strings.Join(lines, "\n")
}

// ErrNoTargets is returned when a path holds nothing to lint.
var ErrNoTargets = errors.New("no Helm chart, kustomization or Kubernetes manifest found")
