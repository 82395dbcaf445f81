// Package gitops finds the GitOps objects of a repository (Argo CD
// Applications and ApplicationSets, Flux HelmReleases and Kustomizations)
// and turns each one that deploys a chart, a kustomization or a folder of
// this repository into a render.Deployment of that target: the values files,
// inline values, release name, namespace, kustomize options and post-build
// variables that the GitOps tool will use. The renderers then render the
// target as it will be deployed, and findings caused by an inline value
// point at that value's line in the GitOps object.
//
// Nothing is fetched: a chart from a Helm repository or an OCI registry, or
// a path in another Git repository, is reported as not rendered (a Problem
// for the gitops-source-not-rendered rule), and a path, values file or
// ConfigMap that this repository lacks as missing (gitops-source-missing).
package gitops

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// Options say what "this repository" is.
type Options struct {
	// RepoURLs are the URLs of this repository: its Git remotes and the
	// URLs declared in the configuration. A source whose URL is one of
	// them (in any spelling: https, ssh, scp-like, with or without .git)
	// is this repository.
	RepoURLs []string
	// Under is the folder being linted (slash path, "." for everything);
	// a deployed folder outside it gets no target of its own.
	Under string
	// Render, when set, renders a chart target (with its deployments)
	// and returns its objects: app-of-apps charts, whose templates make
	// Applications, are rendered to find them.
	Render func(render.Target) []*render.Object
}

// Problem is something wrong with a GitOps object, for one of the GitOps
// rules, at a path of the object.
type Problem struct {
	Rule    string
	Path    render.Path
	Message string
}

// Rule ids of the problems.
const (
	NotRendered = "gitops-source-not-rendered"
	Missing     = "gitops-source-missing"
)

// Plan is the result of resolving the GitOps objects of a repository.
type Plan struct {
	// Targets are the targets given to Resolve, with their Deployments,
	// and the deployed folders that were not targets of their own (a
	// kustomize base that an Application deploys directly).
	Targets []render.Target
	// Notes are remarks about objects that could not be resolved fully
	// (an ApplicationSet generator that is not supported).
	Notes []string
	// Objects counts the GitOps objects found.
	Objects int

	problems  map[objKey][]Problem
	generated map[objKey][]Generated
}

// Generated is an Application that an ApplicationSet generates: its name
// and its node (metadata and spec, the template with the generator's
// parameters in place; positions are the template's).
type Generated struct {
	Name string
	Node *yaml.Node
}

// Generated returns the Applications a rendered ApplicationSet generates.
func (p *Plan) Generated(o *render.Object) []Generated {
	if p == nil {
		return nil
	}
	return p.generated[objKey{o.File, o.Kind, o.Name}]
}

// Problems returns the problems found with a rendered GitOps object.
func (p *Plan) Problems(o *render.Object) []Problem {
	if p == nil || len(p.problems) == 0 {
		return nil
	}
	return p.problems[objKey{o.File, o.Kind, o.Name}]
}

type objKey struct{ file, kind, name string }

// Resolve scans fsys (the repository) for GitOps objects and adds their
// deployments to targets. It fails only when the repository cannot be
// walked; a GitOps object that cannot be resolved becomes a Problem or a
// note.
func Resolve(fsys fs.FS, targets []render.Target, opts Options) (*Plan, error) {
	idx, err := Scan(fsys)
	if err != nil {
		return nil, err
	}
	return idx.Resolve(fsys, targets, opts), nil
}

// Scan reads the GitOps objects of the repository fsys, and the ConfigMaps,
// Secrets and kustomize generators they may use. It is the part of Resolve
// that does not need the targets, so that it can run while they are
// discovered.
func Scan(fsys fs.FS) (*Index, error) { return scan(fsys) }

// Resolve adds the deployments of the GitOps objects of idx (scanned from
// fsys) to targets.
func (idx *Index) Resolve(fsys fs.FS, targets []render.Target, opts Options) *Plan {
	idx = idx.clone() // app-of-apps charts add the objects they render
	r := &resolver{fsys: fsys, idx: idx, opts: opts, plan: &Plan{problems: map[objKey][]Problem{}, generated: map[objKey][]Generated{}}}
	for _, u := range opts.RepoURLs {
		if n := NormalizeURL(u); n != "" {
			r.urls = append(r.urls, n)
		}
	}
	r.targets = slices.Clone(targets)
	r.hidden = map[string]bool{}
	for _, c := range idx.templated {
		if !slices.ContainsFunc(r.targets, func(t render.Target) bool { return t.Kind == render.Helm && t.Dir == c }) {
			r.targets = append(r.targets, render.Target{Kind: render.Helm, Dir: c})
			r.hidden[c] = true
		}
	}
	done := 0
	rendered := map[string]bool{}
	for round := 0; ; round++ {
		// Flux Kustomizations first: the objects in the folders they
		// apply get their post-build variables and target namespace
		// before they are resolved.
		pending := idx.gitops[done:]
		done = len(idx.gitops)
		for _, d := range pending {
			if IsFlux(d.obj, FluxKustomizeGroup, "Kustomization") {
				r.resolveDoc(d)
			}
		}
		for _, d := range pending {
			if !IsFlux(d.obj, FluxKustomizeGroup, "Kustomization") {
				r.resolveDoc(r.applied(d))
			}
		}
		// App-of-apps charts: their GitOps objects exist only once they
		// are rendered (with the deployments found so far), and may
		// deploy further app-of-apps charts.
		if opts.Render == nil || round == maxRounds || !r.renderTemplated(rendered) {
			break
		}
	}
	for i := range r.targets {
		uniqueNames(r.targets[i].Deployments)
		sort.SliceStable(r.targets[i].Deployments, func(a, b int) bool {
			return r.targets[i].Deployments[a].Name < r.targets[i].Deployments[b].Name
		})
	}
	r.plan.Targets = slices.DeleteFunc(r.targets, func(t render.Target) bool { return t.Kind == render.Helm && r.hidden[t.Dir] })
	sort.Strings(r.plan.Notes)
	r.plan.Notes = slices.Compact(r.plan.Notes)
	return r.plan
}

// maxRounds bounds the levels of app-of-apps charts that are rendered.
const maxRounds = 4

// resolveDoc resolves one GitOps object.
func (r *resolver) resolveDoc(d *doc) {
	r.plan.Objects++
	r.used = nil
	switch {
	case IsArgo(d.obj, "Application"):
		r.application(d)
	case IsArgo(d.obj, "ApplicationSet"):
		r.applicationSet(d)
	case IsFlux(d.obj, FluxHelmGroup, "HelmRelease"):
		r.helmRelease(d)
	case IsFlux(d.obj, FluxKustomizeGroup, "Kustomization"):
		r.fluxKustomization(d)
	}
}

// renderTemplated renders the app-of-apps charts not rendered yet and
// indexes the GitOps objects they make. It reports whether it found any.
func (r *resolver) renderTemplated(rendered map[string]bool) bool {
	found := false
	for _, chart := range r.idx.templated {
		i := slices.IndexFunc(r.targets, func(t render.Target) bool { return t.Kind == render.Helm && t.Dir == chart })
		if rendered[chart] || i < 0 {
			continue
		}
		rendered[chart] = true
		seen := map[string]bool{}
		var objs []*render.Object
		for _, o := range r.opts.Render(r.targets[i]) {
			key := o.Kind + " " + o.Namespace + "/" + o.Name
			if seen[key] { // the same object from several deployments: the first
				continue
			}
			seen[key] = true
			placeRendered(o)
			objs = append(objs, o)
		}
		added := r.idx.addObjects(objs, func() []string { return nil })
		// What the chart renders depends on the chart and on what its
		// own deployments read.
		var deps []string
		for _, dep := range r.targets[i].Deployments {
			deps = append(deps, dep.Deps...)
		}
		for _, d := range added {
			d.deps, d.depDirs = deps, []string{chart}
		}
		found = len(added) > 0 || found
	}
	return found
}

// placeRendered moves the nodes of a rendered object to where they are
// written in its template (its Locator), so that inline values of a
// templated Application are located in the template.
func placeRendered(o *render.Object) {
	if o.Locator == nil {
		return
	}
	var walk func(n *yaml.Node, p render.Path)
	walk = func(n *yaml.Node, p render.Path) {
		if n == nil {
			return
		}
		if loc := o.Locator.Locate(p); loc.File == o.File && loc.Line > 0 {
			n.Line, n.Column = loc.Line, loc.Col
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				q := p.Key(n.Content[i].Value)
				if loc := o.Locator.Locate(q); loc.File == o.File && loc.Line > 0 {
					n.Content[i].Line, n.Content[i].Column = loc.Line, loc.Col
				}
				walk(n.Content[i+1], q)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, p.Index(i))
			}
		}
	}
	walk(o.Node, render.Path{})
}

// resolver holds the state of one Resolve.
type resolver struct {
	fsys    fs.FS
	idx     *Index
	opts    Options
	urls    []string
	plan    *Plan
	targets []render.Target
	// hidden are the app-of-apps charts outside the targets given to
	// Resolve (outside the linted folder, or not affected by a change):
	// they are rendered to find their GitOps objects, not returned.
	hidden map[string]bool
	// used are the files the object being resolved reads besides its own
	// (a GitRepository, a HelmChart, an ArtifactGenerator).
	used []string
	// fluxApplied are the folders Flux Kustomizations apply, with their
	// deployments (post-build variables, target namespace).
	fluxApplied []fluxApplied
}

// fluxApplied is a folder a Flux Kustomization applies.
type fluxApplied struct {
	dir string
	dep *render.Deployment
}

// appliedBy returns the deployment of the Flux Kustomization that applies
// file: the one with the deepest folder holding it, or nil.
func (r *resolver) appliedBy(file string) *render.Deployment {
	var best *fluxApplied
	for i, a := range r.fluxApplied {
		if a.dir == "." || strings.HasPrefix(file, a.dir+"/") {
			if best == nil || len(a.dir) > len(best.dir) {
				best = &r.fluxApplied[i]
			}
		}
	}
	if best == nil {
		return nil
	}
	return best.dep
}

// applied returns GitOps object d as the Flux Kustomization that applies
// its file would apply it: with its post-build variables substituted and
// its target namespace, and depending on what the Kustomization reads. d
// itself when no Kustomization changes it.
func (r *resolver) applied(d *doc) *doc {
	k := r.appliedBy(d.obj.File)
	if k == nil || k.Substitute == nil && !k.ForceNamespace {
		return d
	}
	o := *d.obj
	o.Node = render.CloneNode(d.obj.Node)
	var origins map[*yaml.Node][]render.Related
	if k.Substitute != nil && !render.SubstitutionDisabled(&o) {
		subs, _, err := render.SubstituteVariables(o.Node, k.Substitute)
		if err != nil {
			return d // the Kustomization's render reports it
		}
		o.Name = str(o.Node, "metadata", "name")
		o.Namespace = str(o.Node, "metadata", "namespace")
		// Where the substituted values were set, for the values layers
		// made of this object's nodes.
		for n, vars := range subs {
			for _, v := range vars {
				if at, ok := k.SubstituteAt[v]; ok {
					if origins == nil {
						origins = map[*yaml.Node][]render.Related{}
					}
					origins[n] = append(origins[n], render.Related{Location: at, Message: "variable " + v + " set here", Value: len(vars) == 1, Sets: true})
				}
			}
		}
	}
	if k.ForceNamespace {
		o.Namespace = k.Namespace
	}
	c := *d
	c.obj = &o
	c.deps = slices.Concat(d.deps, k.Deps)
	c.origins = origins
	return &c
}

// newDeployment starts the deployment named name of GitOps object d.
func (r *resolver) newDeployment(d *doc, name string, line int) *render.Deployment {
	return &render.Deployment{
		Name: name, File: d.obj.File, Line: line,
		Deps:    slices.Concat([]string{d.obj.File}, d.deps, r.used),
		DepDirs: slices.Clone(d.depDirs),
	}
}

// API groups of the GitOps objects. The groups are matched, not the
// versions, so that every served version of a kind (HelmRelease v2beta1,
// v2beta2, v2) is read alike.
const (
	ArgoGroup           = "argoproj.io"
	FluxHelmGroup       = "helm.toolkit.fluxcd.io"
	FluxKustomizeGroup  = "kustomize.toolkit.fluxcd.io"
	FluxSourceGroup     = "source.toolkit.fluxcd.io"
	fluxExtensionsGroup = "source.extensions.fluxcd.io"
)

// IsArgo reports whether o is an Argo CD object of one of kinds.
func IsArgo(o *render.Object, kinds ...string) bool {
	return IsFlux(o, ArgoGroup, kinds...)
}

// IsFlux reports whether o is an object of the API group (a Flux group, or
// any other) and of one of kinds, or of any kind when none is given.
// Kustomize's own Kustomization (kustomize.config.k8s.io) is not Flux's.
func IsFlux(o *render.Object, group string, kinds ...string) bool {
	g, _, ok := strings.Cut(o.APIVersion, "/")
	return ok && g == group && (len(kinds) == 0 || slices.Contains(kinds, o.Kind))
}

// problem records a problem with the object of d.
func (r *resolver) problem(d *doc, rule string, p render.Path, format string, args ...any) {
	k := objKey{d.obj.File, d.obj.Kind, d.obj.Name}
	pr := Problem{Rule: rule, Path: p, Message: fmt.Sprintf(format, args...)}
	if !slices.ContainsFunc(r.plan.problems[k], func(o Problem) bool { return o.Message == pr.Message && o.Path.String() == pr.Path.String() }) {
		r.plan.problems[k] = append(r.plan.problems[k], pr)
	}
}

// note records a remark about the GitOps object of file, when the file is
// in the linted folder.
func (r *resolver) note(file, format string, args ...any) {
	if under(path.Dir(file), r.opts.Under) {
		r.plan.Notes = append(r.plan.Notes, file+": "+fmt.Sprintf(format, args...))
	}
}

// isThisRepo reports whether a source URL is this repository.
func (r *resolver) isThisRepo(url string) bool {
	n := NormalizeURL(url)
	return n != "" && slices.Contains(r.urls, n)
}

// notThisRepo is the message for a source in another repository.
func (r *resolver) notThisRepo(url string) string {
	if len(r.urls) == 0 {
		return fmt.Sprintf("source %s is not known to be this repository (it has no remote); add it to gitops.repoURLs in .prodlint.yaml if it is", url)
	}
	return fmt.Sprintf("source %s is another repository and is not rendered; add it to gitops.repoURLs in .prodlint.yaml if it is this one", url)
}

// kindAt returns the kind of target a GitOps tool makes of folder dir: a
// chart, a kustomization or a folder of manifests, or "" when the folder
// does not exist.
func (r *resolver) kindAt(dir string) render.Kind {
	fi, err := fs.Stat(r.fsys, dir)
	if err != nil || !fi.IsDir() {
		return ""
	}
	if _, err := fs.Stat(r.fsys, path.Join(dir, "Chart.yaml")); err == nil {
		return render.Helm
	}
	for _, k := range render.KustomizationFiles {
		if _, err := fs.Stat(r.fsys, path.Join(dir, k)); err == nil {
			return render.Kustomize
		}
	}
	return render.Plain
}

// deploy adds deployment dep to the target of kind k in dir. For a folder
// of manifests with recurse, every plain target below dir gets it. It
// returns false when there is no such target to render (the folder is
// outside the linted folder, or has nothing to render).
func (r *resolver) deploy(k render.Kind, dir string, recurse bool, dep *render.Deployment) bool {
	added := false
	for i := range r.targets {
		t := &r.targets[i]
		if t.Kind != k {
			continue
		}
		if t.Dir == dir || recurse && k == render.Plain && (dir == "." || strings.HasPrefix(t.Dir, dir+"/")) {
			// A deployed chart renders as deployed: the values files
			// found by name (ci/*-values.yaml, values-*.yaml) are not
			// variants of it any more.
			t.Variants = nil
			t.Deployments = append(t.Deployments, dep)
			added = true
		}
	}
	if added || k != render.Kustomize || !under(dir, r.opts.Under) {
		return added
	}
	// A kustomization deployed directly that is not a root target of its
	// own (a base that overlays also use): lint it as deployed.
	r.targets = append(r.targets, render.Target{Kind: render.Kustomize, Dir: dir, Deployments: []*render.Deployment{dep}})
	return true
}

// under reports whether dir is the folder u or below it.
func under(dir, u string) bool {
	return u == "." || u == "" || dir == u || strings.HasPrefix(dir, u+"/")
}

// cleanPath turns a GitOps path ("./apps/web/", "apps/web", "/") into a
// repository-relative folder, or "" when it leaves the repository.
func cleanPath(p string) string {
	c := path.Clean("./" + strings.TrimPrefix(strings.TrimSpace(p), "/"))
	if c == ".." || strings.HasPrefix(c, "../") {
		return ""
	}
	return c
}

// uniqueNames gives deployments of one target that share a name (the same
// Kustomization in the folders of two clusters) their file in the name, and
// a number if that is not enough. A renamed deployment is a copy: the same
// deployment may be shared with targets where its name is unique.
func uniqueNames(ds []*render.Deployment) {
	count := map[string]int{}
	for _, d := range ds {
		count[d.Name]++
	}
	seen := map[string]int{}
	for i, d := range ds {
		if count[d.Name] < 2 {
			continue
		}
		c := *d
		c.Name += " in " + d.File
		if seen[c.Name]++; seen[c.Name] > 1 {
			c.Name += fmt.Sprintf(" #%d", seen[c.Name])
		}
		ds[i] = &c
	}
}

// kustomizationsBelow returns the folders below dir (not dir itself) that
// hold a kustomization, without those inside another: what Flux adds as
// resources of the kustomization it generates for a folder without one.
func (r *resolver) kustomizationsBelow(dir string) []string {
	var out []string
	fs.WalkDir(r.fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() || p == dir {
			return nil
		}
		if skipDirs[e.Name()] || strings.HasPrefix(e.Name(), ".") {
			return fs.SkipDir
		}
		if r.kindAt(p) == render.Kustomize {
			out = append(out, p)
			return fs.SkipDir
		}
		return nil
	})
	return out
}
