package render

import (
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Deps is what a target reads: whole folders (a chart) and single files (a
// kustomization's resources and patches, a plain manifest).
type Deps struct {
	Dirs  []string
	Files []string
}

// Reaches reports whether a change to the repository-relative path p can
// change what the target renders.
func (d Deps) Reaches(p string) bool {
	if _, ok := slices.BinarySearch(d.Files, p); ok {
		return true
	}
	for _, dir := range d.Dirs {
		if dir == "." || p == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// Graph maps each target to what it depends on. Build it once per
// repository; asking which targets a change affects is then a lookup.
type Graph struct {
	Targets []Target
	Deps    []Deps
	// Global lists files that affect every target (the prodlint config).
	Global []string

	// own are the dependencies of each target without those of its GitOps
	// deployments, which Deps also holds.
	own []Deps
}

// BuildGraph computes the dependencies of every target in fsys.
//   - A chart depends on its folder (templates, values, ci/ values,
//     Chart.yaml, Chart.lock, charts/) and on the folders of charts it
//     names with a file:// repository.
//   - A kustomization depends on its kustomization file and, transitively,
//     on every file and folder it names: resources, bases, components,
//     patches, generator files and env files, replacement sources, openapi
//     schema, crds, configurations, generators, transformers, validators.
//   - A plain target depends on its files.
//   - A target deployed by GitOps objects also depends on their files and
//     on the values files and ConfigMaps they read.
func BuildGraph(fsys fs.FS, targets []Target, global ...string) *Graph {
	g := &Graph{Targets: targets, Global: global}
	memo := &depsMemo{fsys: fsys, kust: map[string]*kustInfo{}}
	for _, t := range targets {
		var d Deps
		switch t.Kind {
		case Helm:
			d = chartDeps(fsys, t.Dir)
		case Kustomize:
			d = kustomizeDeps(memo, t.Dir)
		default:
			d = Deps{Files: slices.Clone(t.Files)}
		}
		sort.Strings(d.Files)
		sort.Strings(d.Dirs)
		d.Files = slices.Compact(d.Files)
		d.Dirs = slices.Compact(d.Dirs)
		g.own = append(g.own, d)
		if len(t.Deployments) > 0 {
			d.Files, d.Dirs = slices.Clone(d.Files), slices.Clone(d.Dirs)
			for _, dep := range t.Deployments {
				d.Files = append(d.Files, dep.Deps...)
				d.Dirs = append(d.Dirs, dep.DepDirs...)
			}
			sort.Strings(d.Files)
			sort.Strings(d.Dirs)
			d.Files, d.Dirs = slices.Compact(d.Files), slices.Compact(d.Dirs)
		}
		g.Deps = append(g.Deps, d)
	}
	return g
}

// Affected returns the targets that any of the changed paths reaches, in
// graph order. A target deployed by GitOps objects that the change reaches
// only through some of its deployments (an Application, a values file or
// ConfigMap of one release) comes back with those deployments alone.
func (g *Graph) Affected(changed []string) []Target {
	for _, c := range changed {
		if slices.Contains(g.Global, c) {
			return slices.Clone(g.Targets)
		}
	}
	reaches := func(d Deps) bool {
		return slices.ContainsFunc(changed, d.Reaches)
	}
	var out []Target
	for i, t := range g.Targets {
		if reaches(g.own[i]) {
			out = append(out, t)
			continue
		}
		var deps []*Deployment
		for _, d := range t.Deployments {
			files := slices.Clone(d.Deps)
			sort.Strings(files)
			if reaches(Deps{Files: files, Dirs: d.DepDirs}) {
				deps = append(deps, d)
			}
		}
		if len(deps) > 0 {
			t.Deployments = deps
			t.Variants = nil // the values variants did not change
			out = append(out, t)
		}
	}
	return out
}

func chartDeps(fsys fs.FS, dir string) Deps {
	d := Deps{Dirs: []string{dir}}
	seen := map[string]bool{dir: true}
	var visit func(dir string)
	visit = func(dir string) {
		b, err := fs.ReadFile(fsys, path.Join(dir, "Chart.yaml"))
		if err != nil {
			return
		}
		var c struct {
			Dependencies []struct {
				Repository string `yaml:"repository"`
			} `yaml:"dependencies"`
		}
		if yaml.Unmarshal(b, &c) != nil {
			return
		}
		for _, dep := range c.Dependencies {
			rel, ok := strings.CutPrefix(dep.Repository, "file://")
			if !ok {
				continue
			}
			p := path.Clean(path.Join(dir, rel))
			if strings.HasPrefix(p, "../") || p == ".." || seen[p] {
				continue
			}
			seen[p] = true
			d.Dirs = append(d.Dirs, p)
			visit(p)
		}
	}
	visit(dir)
	return d
}

// kustFile is every field of a kustomization that names a file or folder.
type kustFile struct {
	Resources             []string    `yaml:"resources"`
	Bases                 []string    `yaml:"bases"`
	Components            []string    `yaml:"components"`
	Crds                  []string    `yaml:"crds"`
	Configurations        []string    `yaml:"configurations"`
	Generators            []string    `yaml:"generators"`
	Transformers          []string    `yaml:"transformers"`
	Validators            []string    `yaml:"validators"`
	PatchesStrategicMerge []string    `yaml:"patchesStrategicMerge"`
	Patches               []pathEntry `yaml:"patches"`
	PatchesJSON6902       []pathEntry `yaml:"patchesJson6902"`
	Replacements          []pathEntry `yaml:"replacements"`
	ConfigMapGenerator    []generator `yaml:"configMapGenerator"`
	SecretGenerator       []generator `yaml:"secretGenerator"`
	OpenAPI               struct {
		Path string `yaml:"path"`
	} `yaml:"openapi"`
	HelmCharts []struct {
		ValuesFile           string   `yaml:"valuesFile"`
		AdditionalValuesFile []string `yaml:"additionalValuesFiles"`
	} `yaml:"helmCharts"`
	HelmGlobals struct {
		ChartHome string `yaml:"chartHome"`
	} `yaml:"helmGlobals"`
}

type pathEntry struct {
	Path string `yaml:"path"`
}

type generator struct {
	Files []string `yaml:"files"`
	Envs  []string `yaml:"envs"`
	Env   string   `yaml:"env"`
}

// names lists every path the kustomization names, relative to its folder.
func (k *kustFile) names() []string {
	ps := slices.Concat(k.Resources, k.Bases, k.Components, k.Crds, k.Configurations, k.Generators,
		k.Transformers, k.Validators, k.PatchesStrategicMerge)
	for _, e := range slices.Concat(k.Patches, k.PatchesJSON6902, k.Replacements) {
		ps = append(ps, e.Path)
	}
	for _, g := range slices.Concat(k.ConfigMapGenerator, k.SecretGenerator) {
		for _, f := range g.Files {
			if _, src, ok := strings.Cut(f, "="); ok {
				f = src
			}
			ps = append(ps, f)
		}
		ps = append(ps, g.Envs...)
		ps = append(ps, g.Env)
	}
	ps = append(ps, k.OpenAPI.Path, k.HelmGlobals.ChartHome)
	for _, h := range k.HelmCharts {
		ps = append(ps, h.ValuesFile)
		ps = append(ps, h.AdditionalValuesFile...)
	}
	var out []string
	for _, p := range ps {
		// Inline patches and transformer configs are YAML, not paths.
		if p == "" || strings.ContainsAny(p, "\n{") || IsRemote(p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// kustInfo is what one folder contributes to a kustomization's dependencies:
// its kustomization file ("" when it has none), and the files and folders
// it names.
type kustInfo struct {
	file  string
	files []string
	dirs  []string
}

// depsMemo caches kustomization reads for one BuildGraph call, so that a
// base shared by many overlays is read and parsed once.
type depsMemo struct {
	fsys fs.FS
	kust map[string]*kustInfo
}

func (m *depsMemo) info(dir string) *kustInfo {
	if ki, ok := m.kust[dir]; ok {
		return ki
	}
	ki := &kustInfo{}
	m.kust[dir] = ki
	for _, n := range KustomizationFiles {
		if _, err := fs.Stat(m.fsys, path.Join(dir, n)); err == nil {
			ki.file = path.Join(dir, n)
			break
		}
	}
	if ki.file == "" {
		return ki
	}
	b, err := fs.ReadFile(m.fsys, ki.file)
	if err != nil {
		return ki
	}
	var k kustFile
	if yaml.Unmarshal(b, &k) != nil {
		return ki
	}
	for _, n := range k.names() {
		p := path.Clean(path.Join(dir, n))
		if p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		if st, err := fs.Stat(m.fsys, p); err == nil && st.IsDir() {
			ki.dirs = append(ki.dirs, p)
		} else {
			// A file, or a missing one whose creation would change the
			// build.
			ki.files = append(ki.files, p)
		}
	}
	return ki
}

func kustomizeDeps(m *depsMemo, dir string) Deps {
	var d Deps
	seen := map[string]bool{}
	var visit func(dir string)
	visit = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		ki := m.info(dir)
		if ki.file == "" {
			// A folder named as a resource without a kustomization: the
			// build fails, and any file appearing there matters.
			d.Dirs = append(d.Dirs, dir)
			return
		}
		d.Files = append(d.Files, ki.file)
		d.Files = append(d.Files, ki.files...)
		for _, sub := range ki.dirs {
			visit(sub)
		}
	}
	visit(dir)
	return d
}

// Shards splits the targets into n deterministic, balanced groups. Targets
// that share a file or folder (overlays of one kustomize base, charts with a
// common file:// dependency) stay in the same shard, because their findings
// may merge into one; every target lands in exactly one shard. Groups are
// placed largest first on the shard with the fewest targets so far.
func (g *Graph) Shards(n int) [][]Target {
	if n < 1 {
		n = 1
	}
	parent := make([]int, len(g.Targets))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra < rb {
			parent[rb] = ra
		} else if rb < ra {
			parent[ra] = rb
		}
	}
	owner := map[string]int{}
	claim := func(key string, i int) {
		if j, ok := owner[key]; ok {
			union(i, j)
		} else {
			owner[key] = i
		}
	}
	for i, d := range g.Deps {
		for _, f := range d.Files {
			claim("f:"+f, i)
		}
		for _, dir := range d.Dirs {
			claim("d:"+dir, i)
		}
	}
	// A folder dependency also owns the files below it.
	for i, d := range g.Deps {
		for _, dir := range d.Dirs {
			for key, j := range owner {
				if p, ok := strings.CutPrefix(key, "f:"); ok && (dir == "." || strings.HasPrefix(p, dir+"/")) {
					union(i, j)
				}
			}
		}
	}
	groups := map[int][]int{}
	for i := range g.Targets {
		r := find(i)
		groups[r] = append(groups[r], i)
	}
	roots := make([]int, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(a, b int) bool {
		ga, gb := groups[roots[a]], groups[roots[b]]
		if len(ga) != len(gb) {
			return len(ga) > len(gb)
		}
		return roots[a] < roots[b]
	})
	shards := make([][]Target, n)
	for _, r := range roots {
		best := 0
		for s := 1; s < n; s++ {
			if len(shards[s]) < len(shards[best]) {
				best = s
			}
		}
		for _, i := range groups[r] {
			shards[best] = append(shards[best], g.Targets[i])
		}
	}
	for _, s := range shards {
		sort.Slice(s, func(a, b int) bool {
			if s[a].Dir != s[b].Dir {
				return s[a].Dir < s[b].Dir
			}
			return s[a].Kind < s[b].Kind
		})
	}
	return shards
}
