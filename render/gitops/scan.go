package gitops

import (
	"bytes"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// doc is one parsed object of the repository, with the lines of its file.
type doc struct {
	obj   *render.Object
	lines []string
	// deps and depDirs, for an object an app-of-apps chart renders, are
	// what its deployments also depend on: the chart folder and the
	// dependencies of the chart's own deployment.
	deps, depDirs []string
	// origins are where substituted values of the object were set (the
	// Flux post-build variables of the Kustomization that applies it).
	origins map[*yaml.Node][]render.Related
}

// Index holds the objects of the repository that GitOps objects refer to.
type Index struct {
	gitops []*doc
	// configs are ConfigMaps and Secrets, by namespace/name ("" namespace
	// when the manifest sets none).
	configs map[string][]*doc
	// generated are the ConfigMaps and Secrets of kustomize generators,
	// by kind and namespace/name ("ConfigMap flux-system/cluster-vars").
	generated map[string][]*genConfig
	// nsOf is the namespace a kustomization gives the manifests it lists.
	nsOf map[string]string
	// gitRepos are Flux GitRepository objects by namespace/name (several
	// clusters of one repository often have one of the same name).
	gitRepos map[string][]*doc
	// helmCharts are Flux HelmChart objects by namespace/name.
	helmCharts map[string][]*doc
	// generators are Flux ArtifactGenerator objects, which make the
	// ExternalArtifacts of a monorepo from folders of its GitRepository.
	artifactGens []*doc
	// templated are the chart folders whose templates make GitOps objects
	// (an app-of-apps chart), found by rendering them (Options.Render).
	templated []string
	// files are the files the scan found, and byFile the documents it
	// parsed in each, for Rescan.
	files  scanned
	byFile map[string][]*doc
}

// skipDirs are never searched.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// Markers that a file may hold an object the index needs; files without
// any are not parsed.
var (
	gitopsMarkers = [][]byte{[]byte(ArgoGroup + "/"), []byte("toolkit.fluxcd.io/"), []byte(fluxExtensionsGroup + "/")}
	configMarkers = [][]byte{[]byte("ConfigMap"), []byte("Secret")}
	kustMarkers   = [][]byte{[]byte("configMapGenerator"), []byte("secretGenerator"), []byte("namespace:")}
)

func hasAny(b []byte, ms [][]byte) bool {
	return slices.ContainsFunc(ms, func(m []byte) bool { return bytes.Contains(b, m) })
}

// scan reads every YAML file of the repository that may hold a GitOps
// object, a ConfigMap or a Secret, or a kustomize generator.
func scan(fsys fs.FS) (*Index, error) {
	var l scanned
	charts := map[string]bool{} // folders with a Chart.yaml
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if e != nil && e.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		name := e.Name()
		if e.IsDir() {
			if p != "." && (skipDirs[name] || strings.HasPrefix(name, ".")) {
				return fs.SkipDir
			}
			// A chart's templates are not YAML (those that make GitOps
			// objects are rendered later), and its vendored charts are
			// not this repository's GitOps objects. (Chart.yaml sorts
			// before both, so the chart is known when they are reached.)
			if chart := path.Dir(p); charts[chart] && (name == "templates" || name == "charts") {
				if name == "templates" && templatesMakeGitOps(fsys, p) {
					l.templated = append(l.templated, chart)
				}
				return fs.SkipDir
			}
			return nil
		}
		if name == "Chart.yaml" {
			charts[path.Dir(p)] = true
			return nil
		}
		l.classify(fsys, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.sort()
	return l.index(fsys, nil), nil
}

// sort orders the lists by path, so that a scan and a rescan list the same
// files in the same order (nearest breaks ties by order).
func (l *scanned) sort() {
	for _, ps := range [][]string{l.gitops, l.configs, l.gens, l.templated} {
		slices.Sort(ps)
	}
}

// scanned are the files of a repository that a scan found.
type scanned struct {
	gitops    []string // files with GitOps objects
	configs   []string // files that may hold ConfigMaps or Secrets
	gens      []string // kustomization files with generators or a namespace
	templated []string // app-of-apps chart folders
}

// classify reads file p and records what it may hold.
func (l *scanned) classify(fsys fs.FS, p string) {
	name := path.Base(p)
	if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && name != "Kustomization" {
		return
	}
	if fi, err := fs.Stat(fsys, p); err != nil || fi.Size() > render.MaxFileSize {
		return // too big for a manifest: its own target reports it
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return
	}
	if slices.Contains(render.KustomizationFiles, name) && hasAny(b, kustMarkers) {
		l.gens = append(l.gens, p)
	}
	switch {
	case hasAny(b, gitopsMarkers):
		l.gitops = append(l.gitops, p)
	case hasAny(b, configMarkers):
		l.configs = append(l.configs, p)
	}
}

// index parses the files found into an Index. ConfigMaps, Secrets and
// generators matter only to GitOps objects: a repository without any is
// not parsed for them.
func (l *scanned) index(fsys fs.FS, parsed map[string][]*doc) *Index {
	idx := &Index{files: *l, configs: map[string][]*doc{}, generated: map[string][]*genConfig{}, gitRepos: map[string][]*doc{}, helmCharts: map[string][]*doc{}, templated: l.templated}
	add := func(p string) {
		if docs, ok := parsed[p]; ok { // the same file, parsed before
			for _, d := range docs {
				idx.insert(d)
			}
			if idx.byFile == nil {
				idx.byFile = map[string][]*doc{}
			}
			idx.byFile[p] = docs
			return
		}
		if b, err := fs.ReadFile(fsys, p); err == nil {
			idx.add(p, b)
		}
	}
	if len(l.gitops) == 0 && len(l.templated) == 0 {
		return idx
	}
	// Kustomizations first: the namespace they give the manifests they
	// list is the namespace of the GitOps objects there.
	for _, p := range l.gens {
		if b, err := fs.ReadFile(fsys, p); err == nil {
			idx.kustomization(p, b)
		}
	}
	for _, p := range l.gitops {
		add(p)
	}
	if len(idx.gitops) == 0 && len(idx.templated) == 0 {
		return idx
	}
	for _, p := range l.configs {
		add(p)
	}
	return idx
}

// Rescan scans another revision of the repository (fsys, a git tree) that
// differs from the scanned one only in the files changed: it reads the
// files where the scan found something and the changed files, not the
// whole tree. A file without GitOps objects, ConfigMaps or generators that
// did not change has none in the other revision either.
func (idx *Index) Rescan(fsys fs.FS, changed []string) *Index {
	var l scanned
	isChanged := map[string]bool{}
	reparse := false
	for _, p := range changed {
		isChanged[p] = true
		// A kustomization may give the files it lists another namespace.
		reparse = reparse || slices.Contains(render.KustomizationFiles, path.Base(p))
		if !chartInternal(fsys, p) { // as the scan, which does not enter them
			l.classify(fsys, p)
		}
	}
	// Unchanged files keep what the scan found in them, and their
	// parsed documents (Resolve only reads them).
	keep := func(dst *[]string, src []string) {
		for _, p := range src {
			if !isChanged[p] {
				*dst = append(*dst, p)
			}
		}
	}
	keep(&l.gitops, idx.files.gitops)
	keep(&l.configs, idx.files.configs)
	keep(&l.gens, idx.files.gens)
	charts := slices.Clone(idx.files.templated)
	for _, p := range changed {
		// A changed template of a chart may make GitOps objects there.
		if before, _, ok := strings.Cut(p, "/templates/"); ok {
			charts = append(charts, before)
		} else if strings.HasPrefix(p, "templates/") {
			charts = append(charts, ".")
		}
	}
	slices.Sort(charts)
	for _, c := range slices.Compact(charts) {
		if _, err := fs.Stat(fsys, path.Join(c, "Chart.yaml")); err == nil && templatesMakeGitOps(fsys, path.Join(c, "templates")) {
			l.templated = append(l.templated, c)
		}
	}
	l.sort()
	parsed := map[string][]*doc{}
	for p, docs := range idx.byFile {
		if !isChanged[p] && !reparse {
			parsed[p] = docs
		}
	}
	return l.index(fsys, parsed)
}

// chartInternal reports whether p is in the templates or vendored charts
// folder of a chart.
func chartInternal(fsys fs.FS, p string) bool {
	segs := strings.Split(p, "/")
	for i := 0; i < len(segs)-1; i++ {
		if segs[i] == "templates" || segs[i] == "charts" {
			if _, err := fs.Stat(fsys, path.Join(path.Join(segs[:i]...), "Chart.yaml")); err == nil {
				return true
			}
		}
	}
	return false
}

// templatesMakeGitOps reports whether a template of the chart templates
// folder dir names a GitOps API group.
func templatesMakeGitOps(fsys fs.FS, dir string) bool {
	found := false
	fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || found || e.IsDir() {
			return nil
		}
		if b, err := fs.ReadFile(fsys, p); err == nil && hasAny(b, gitopsMarkers) {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// add indexes the objects of file p that GitOps objects use.
func (idx *Index) add(p string, b []byte) {
	objs, _ := render.ParseManifest(p, b) // a broken file is reported by its own target
	if ns := idx.nsOf[p]; ns != "" {
		for _, o := range objs {
			o.Namespace = ns // kustomize's namespace wins over the manifest's
		}
	}
	var lines []string
	docs := idx.addObjects(objs, func() []string {
		if lines == nil {
			lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
		}
		return lines
	})
	if idx.byFile == nil {
		idx.byFile = map[string][]*doc{}
	}
	idx.byFile[p] = docs
}

// addObjects indexes objects; lines returns the lines of their file.
func (idx *Index) addObjects(objs []*render.Object, lines func() []string) []*doc {
	var added []*doc
	for _, o := range objs {
		d := &doc{obj: o}
		if !idx.insert(d) {
			continue
		}
		d.lines = lines()
		added = append(added, d)
	}
	return added
}

// insert indexes a document by its kind; false for kinds that no GitOps
// object uses.
func (idx *Index) insert(d *doc) bool {
	o := d.obj
	key := o.Namespace + "/" + o.Name
	switch {
	case o.Kind == "ConfigMap" || o.Kind == "Secret":
		idx.configs[o.Kind+" "+key] = append(idx.configs[o.Kind+" "+key], d)
	case IsFlux(o, FluxSourceGroup, "GitRepository"):
		idx.gitRepos[key] = append(idx.gitRepos[key], d)
	case IsFlux(o, FluxSourceGroup, "HelmChart"):
		idx.helmCharts[key] = append(idx.helmCharts[key], d)
	case IsFlux(o, fluxExtensionsGroup, "ArtifactGenerator"):
		idx.artifactGens = append(idx.artifactGens, d)
	case IsArgo(o, "Application", "ApplicationSet"), IsFlux(o, FluxHelmGroup, "HelmRelease"), IsFlux(o, FluxKustomizeGroup, "Kustomization"):
		idx.gitops = append(idx.gitops, d)
	default:
		return false
	}
	return true
}

// genConfig is a ConfigMap or Secret that a kustomize generator makes.
type genConfig struct {
	file     string                     // the kustomization file
	files    map[string]string          // key -> repository file
	literals map[string]string          // key -> value
	litAt    map[string]render.Location // key -> its literal in file
	envs     []string                   // repository files of KEY=VALUE lines
}

// kustomization records what a kustomization file says about the GitOps
// objects and configuration around it: the ConfigMaps and Secrets its
// generators make (Flux repositories make the ConfigMaps of valuesFrom and
// substituteFrom that way), and the namespace it gives the manifests it
// lists.
func (idx *Index) kustomization(file string, b []byte) {
	type gen struct {
		Name      string   `yaml:"name"`
		Namespace string   `yaml:"namespace"`
		Files     []string `yaml:"files"`
		Literals  []string `yaml:"literals"`
		Envs      []string `yaml:"envs"`
		Env       string   `yaml:"env"`
	}
	var k struct {
		Namespace          string   `yaml:"namespace"`
		Resources          []string `yaml:"resources"`
		ConfigMapGenerator []gen    `yaml:"configMapGenerator"`
		SecretGenerator    []gen    `yaml:"secretGenerator"`
	}
	if render.TooBig(b) != "" || yaml.Unmarshal(b, &k) != nil {
		return
	}
	dir := path.Dir(file)
	lines := strings.Split(string(b), "\n")
	rel := func(p string) (string, bool) {
		c := path.Clean(path.Join(dir, p))
		return c, c != ".." && !strings.HasPrefix(c, "../")
	}
	if k.Namespace != "" {
		if idx.nsOf == nil {
			idx.nsOf = map[string]string{}
		}
		for _, r := range k.Resources {
			if p, ok := rel(r); ok {
				idx.nsOf[p] = k.Namespace
			}
		}
	}
	add := func(kind string, g gen) {
		ns := g.Namespace
		if ns == "" {
			ns = k.Namespace
		}
		c := &genConfig{file: file, files: map[string]string{}, literals: map[string]string{}, litAt: map[string]render.Location{}}
		for _, f := range g.Files {
			key, src, ok := strings.Cut(f, "=")
			if !ok {
				key, src = path.Base(f), f
			}
			if p, ok := rel(src); ok {
				c.files[key] = p
			}
		}
		for _, l := range g.Literals {
			if key, v, ok := strings.Cut(l, "="); ok {
				c.literals[key] = strings.Trim(v, `"'`)
				c.litAt[key] = locate(file, lines, l)
			}
		}
		for _, e := range append(g.Envs, g.Env) {
			if p, ok := rel(e); ok && e != "" {
				c.envs = append(c.envs, p)
			}
		}
		key := kind + " " + ns + "/" + g.Name
		idx.generated[key] = append(idx.generated[key], c)
	}
	for _, g := range k.ConfigMapGenerator {
		add("ConfigMap", g)
	}
	for _, g := range k.SecretGenerator {
		add("Secret", g)
	}
}

// data returns the keys and values of a generated ConfigMap or Secret,
// reading its files through fsys, and where each key is set.
func (c *genConfig) data(fsys fs.FS) (map[string]string, map[string]render.Location) {
	vals, from := map[string]string{}, map[string]render.Location{}
	for _, e := range c.envs {
		b, err := fs.ReadFile(fsys, e)
		if err != nil || render.TooBig(b) != "" {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				vals[k], from[k] = v, render.Location{File: e, Line: i + 1, Col: 1, EndLine: i + 1, EndCol: len(line) + 1}
			}
		}
	}
	for k, v := range c.literals {
		vals[k], from[k] = v, c.litAt[k]
	}
	for k, p := range c.files {
		if b, err := fs.ReadFile(fsys, p); err == nil {
			vals[k], from[k] = string(b), render.Location{File: p}.Normalize()
		}
	}
	return vals, from
}

// locate returns where text is first written in the lines of file (the
// file's start when it is not found).
func locate(file string, lines []string, text string) render.Location {
	for i, l := range lines {
		if c := strings.Index(l, text); c >= 0 {
			return render.Location{File: file, Line: i + 1, Col: c + 1, EndLine: i + 1, EndCol: c + 1 + len(text)}
		}
	}
	return render.Location{File: file}.Normalize()
}

// child returns the value node of key k in mapping n (aliases resolved),
// or nil.
func child(n *yaml.Node, k string) *yaml.Node { return render.MapValue(n, k) }

// at returns the node at keys below n.
func at(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = child(n, k)
	}
	return n
}

// str returns the scalar value at keys below n, or "".
func str(n *yaml.Node, keys ...string) string {
	n = at(n, keys...)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// items returns the elements of the sequence at keys below n.
func items(n *yaml.Node, keys ...string) []*yaml.Node {
	n = at(n, keys...)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// nearest returns the object of docs whose file is closest to file in the
// folder tree (the longest common folder), the first on a tie: the
// cluster-vars ConfigMap of clusters/production for a Kustomization of
// clusters/production, not that of clusters/staging. Ties go to the first
// file by path.
func nearest(docs []*doc, file string) *doc {
	var best *doc
	score := -1
	for _, d := range docs {
		n := commonDirs(path.Dir(d.obj.File), path.Dir(file))
		if n > score || n == score && d.obj.File < best.obj.File {
			best, score = d, n
		}
	}
	return best
}

// commonDirs counts the leading folders two folders share.
func commonDirs(a, b string) int {
	if a == "." || b == "." {
		return 0
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// clone returns a copy of the index whose lists and maps can grow without
// changing idx (the documents are shared: nothing changes them).
func (idx *Index) clone() *Index {
	c := *idx
	c.gitops = slices.Clone(idx.gitops)
	c.artifactGens = slices.Clone(idx.artifactGens)
	c.configs = maps.Clone(idx.configs)
	c.gitRepos = maps.Clone(idx.gitRepos)
	c.helmCharts = maps.Clone(idx.helmCharts)
	c.generated = maps.Clone(idx.generated)
	return &c
}
