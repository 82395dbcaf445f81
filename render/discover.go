package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// KustomizationFiles are the file names kustomize accepts, in its order.
var KustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// skipDirs are never searched for targets.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// valuesVariant matches the values files of a chart that render as variants of
// their own: the chart-testing convention ci/*-values.yaml and values-*.yaml
// next to values.yaml (values-prod.yaml).
var valuesVariant = regexp.MustCompile(`^(ci/[^/]+-values|values-[^/]+)\.ya?ml$`)

// Discovery is the result of searching a tree for targets.
type Discovery struct {
	Targets []Target
	// Errors are files that look like targets but cannot be read (a
	// Chart.yaml or kustomization that is not valid YAML). Each error names
	// its file.
	Errors []*FileError
}

// FileError is a problem with one file, found before rendering.
type FileError struct {
	File string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// kustomization is the part of a kustomization file that discovery needs.
type kustomization struct {
	Kind       string   `yaml:"kind"`
	Resources  []string `yaml:"resources"`
	Bases      []string `yaml:"bases"`
	Components []string `yaml:"components"`
}

// Discover finds every target under the folder "under" (slash-separated,
// relative to the root of fsys; "." for everything). fsys is rooted at the
// repository root, so that the same code serves a work tree and a git tree.
//
//   - A chart is a folder with Chart.yaml that is not inside another chart;
//     library charts are not rendered alone.
//   - A kustomization is a folder with a kustomization file whose kind is not
//     Component and that no other kustomization in the tree uses as a resource,
//     base or component (bases are linted through their overlays).
//   - A plain target is a folder whose YAML files hold Kubernetes objects and
//     that no chart or kustomization owns (is not inside a chart or a
//     kustomization folder, and is not named by a kustomization).
func Discover(fsys fs.FS, under string) (*Discovery, error) {
	under = path.Clean(under)
	if _, err := fs.Stat(fsys, under); err != nil {
		return nil, fmt.Errorf("%s: %w", under, err)
	}
	d := &Discovery{}
	var charts []string
	kusts := map[string]*kustomization{}
	var yamlFiles []string
	err := fs.WalkDir(fsys, under, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			d.Errors = append(d.Errors, &FileError{File: p, Err: err})
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := e.Name()
		if e.IsDir() {
			if p != under && (skipDirs[name] || strings.HasPrefix(name, ".")) {
				return fs.SkipDir
			}
			return nil
		}
		dir := path.Dir(p)
		switch {
		case name == "Chart.yaml":
			charts = append(charts, dir)
		case slices.Contains(KustomizationFiles, name):
			if _, dup := kusts[dir]; dup {
				d.Errors = append(d.Errors, &FileError{File: p, Err: errors.New("more than one kustomization file in the folder; keep one of " + strings.Join(KustomizationFiles, ", "))})
				return nil
			}
			k, ferr := readKustomization(fsys, p)
			if ferr != nil {
				d.Errors = append(d.Errors, ferr)
			}
			kusts[dir] = k
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			yamlFiles = append(yamlFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Charts: not inside another chart, not library charts.
	sort.Strings(charts)
	chartDirs := map[string]bool{}
	for _, c := range charts {
		if insideAny(c, chartDirs) {
			continue
		}
		chartDirs[c] = true
		lib, ferr := isLibraryChart(fsys, path.Join(c, "Chart.yaml"))
		if ferr != nil {
			d.Errors = append(d.Errors, ferr)
			continue
		}
		if lib {
			continue
		}
		d.Targets = append(d.Targets, Target{Kind: Helm, Dir: c, Variants: chartVariants(fsys, c)})
	}

	// Kustomizations: roots that are not components, not inside a chart.
	referenced := map[string]bool{}
	named := map[string]bool{} // files named by some kustomization
	for dir, k := range kusts {
		if k == nil {
			continue
		}
		for _, r := range slices.Concat(k.Resources, k.Bases, k.Components) {
			if IsRemote(r) {
				continue
			}
			p := path.Clean(path.Join(dir, r))
			if _, ok := kusts[p]; ok {
				referenced[p] = true
			} else {
				named[p] = true
			}
		}
	}
	kustDirs := map[string]bool{}
	for dir, k := range kusts {
		if insideAny(dir, chartDirs) {
			continue
		}
		kustDirs[dir] = true
		if k != nil && k.Kind == "Component" || referenced[dir] {
			continue
		}
		d.Targets = append(d.Targets, Target{Kind: Kustomize, Dir: dir})
	}

	// Plain manifests: YAML files with objects that nobody owns.
	plain := map[string][]string{}
	for _, f := range yamlFiles {
		dir := path.Dir(f)
		if insideAny(dir, chartDirs) || insideAny(dir, kustDirs) || named[f] {
			continue
		}
		if !looksLikeManifest(fsys, f) {
			continue
		}
		plain[dir] = append(plain[dir], f)
	}
	for dir, files := range plain {
		sort.Strings(files)
		d.Targets = append(d.Targets, Target{Kind: Plain, Dir: dir, Files: files})
	}

	sort.Slice(d.Targets, func(i, j int) bool {
		a, b := d.Targets[i], d.Targets[j]
		if a.Dir != b.Dir {
			return a.Dir < b.Dir
		}
		return a.Kind < b.Kind
	})
	sort.Slice(d.Errors, func(i, j int) bool { return d.Errors[i].File < d.Errors[j].File })
	return d, nil
}

// insideAny reports whether dir is one of roots or below one of them; it
// walks up from dir, so it costs the folder depth, not the number of roots.
func insideAny(dir string, roots map[string]bool) bool {
	if roots["."] {
		return true
	}
	for d := dir; ; d = path.Dir(d) {
		if roots[d] {
			return true
		}
		if d == "." || d == "/" || d == "" {
			return false
		}
	}
}

func readKustomization(fsys fs.FS, p string) (*kustomization, *FileError) {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, &FileError{File: p, Err: ReadError(err)}
	}
	var k kustomization
	if err := yaml.Unmarshal(b, &k); err != nil {
		return nil, YAMLError(p, err)
	}
	return &k, nil
}

func isLibraryChart(fsys fs.FS, p string) (bool, *FileError) {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return false, &FileError{File: p, Err: ReadError(err)}
	}
	var c struct {
		Type string `yaml:"type"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return false, YAMLError(p, err)
	}
	return c.Type == "library", nil
}

func chartVariants(fsys fs.FS, dir string) []string {
	var vs []string
	for _, pat := range []string{"ci/*", "values-*"} {
		m, _ := fs.Glob(fsys, path.Join(dir, pat))
		for _, f := range m {
			rel := strings.TrimPrefix(f, dir+"/")
			if dir == "." {
				rel = f
			}
			if valuesVariant.MatchString(rel) {
				vs = append(vs, rel)
			}
		}
	}
	sort.Strings(vs)
	return vs
}

// looksLikeManifest reports whether a YAML file holds at least one
// Kubernetes object, or is broken YAML that still looks like one (so that its
// syntax error is reported rather than silently ignored).
func looksLikeManifest(fsys fs.FS, f string) bool {
	b, err := fs.ReadFile(fsys, f)
	if err != nil {
		return true // unreadable: let the plain renderer report it
	}
	if TooBig(b) != "" {
		// Too big to parse here; the renderer reports it if it is one.
		return hasTopLevelKeys(b[:min(len(b), 64<<10)], "apiVersion", "kind")
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for i := 0; i < 100000; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return false
			}
			return hasTopLevelKeys(b, "apiVersion", "kind")
		}
		if IsObject(&n) && !isKustomizeConfig(&n) {
			return true
		}
	}
	return false
}

var topLevelKey = regexp.MustCompile(`(?m)^(apiVersion|kind):`)

func hasTopLevelKeys(b []byte, keys ...string) bool {
	seen := map[string]bool{}
	for _, m := range topLevelKey.FindAllSubmatch(b, -1) {
		seen[string(m[1])] = true
	}
	for _, k := range keys {
		if !seen[k] {
			return false
		}
	}
	return true
}

// isKustomizeConfig reports kustomize's own file kinds, which are not cluster
// objects.
func isKustomizeConfig(doc *yaml.Node) bool {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	_, api := mapGet(n, "apiVersion")
	return api != nil && strings.HasPrefix(api.Value, "kustomize.config.k8s.io/")
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLError turns a yaml.v3 error into a FileError with the line split out.
func YAMLError(file string, err error) *FileError {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &FileError{File: file, Line: line, Err: fmt.Errorf("invalid YAML: %s", m[2])}
	}
	return &FileError{File: file, Err: fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))}
}
