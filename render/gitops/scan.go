package gitops

import (
	"bytes"
	"io/fs"
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
}

// index holds the objects of the repository that GitOps objects refer to.
type index struct {
	gitops []*doc
	// configs are ConfigMaps and Secrets, by namespace/name ("" namespace
	// when the manifest sets none).
	configs map[string][]*doc
	// generated are the files of kustomize configMapGenerator and
	// secretGenerator entries, by namespace/name, then key.
	generated map[string]map[string]string
	// gitRepos are Flux GitRepository objects by namespace/name.
	gitRepos map[string]*doc
	// helmCharts are Flux HelmChart objects by namespace/name.
	helmCharts map[string]*doc
}

// skipDirs are never searched.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// Markers that a file may hold an object the index needs; files without
// any are not parsed.
var (
	gitopsMarkers = [][]byte{[]byte("argoproj.io/"), []byte("toolkit.fluxcd.io/")}
	configMarkers = [][]byte{[]byte("ConfigMap"), []byte("Secret")}
	genMarkers    = [][]byte{[]byte("configMapGenerator"), []byte("secretGenerator")}
)

func hasAny(b []byte, ms [][]byte) bool {
	return slices.ContainsFunc(ms, func(m []byte) bool { return bytes.Contains(b, m) })
}

// scan reads every YAML file of the repository that may hold a GitOps
// object, a ConfigMap or a Secret, or a kustomize generator.
func scan(fsys fs.FS) (*index, error) {
	idx := &index{configs: map[string][]*doc{}, generated: map[string]map[string]string{}, gitRepos: map[string]*doc{}, helmCharts: map[string]*doc{}}
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
			return nil
		}
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && name != "Kustomization" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		gitops, config := hasAny(b, gitopsMarkers), hasAny(b, configMarkers)
		if slices.Contains(render.KustomizationFiles, name) && hasAny(b, genMarkers) {
			idx.generators(fsys, p, b)
		}
		if !gitops && !config {
			return nil
		}
		objs, _ := render.ParseManifest(p, b) // a broken file is reported by its own target
		var lines []string
		for _, o := range objs {
			d := &doc{obj: o}
			key := o.Namespace + "/" + o.Name
			switch {
			case o.Kind == "ConfigMap" || o.Kind == "Secret":
				idx.configs[o.Kind+" "+key] = append(idx.configs[o.Kind+" "+key], d)
			case isFlux(o, "source", "GitRepository"):
				idx.gitRepos[key] = d
			case isFlux(o, "source", "HelmChart"):
				idx.helmCharts[key] = d
			case isArgo(o, "Application"), isArgo(o, "ApplicationSet"), isFlux(o, "helm", "HelmRelease"), isFlux(o, "kustomize", "Kustomization"):
				idx.gitops = append(idx.gitops, d)
			default:
				continue
			}
			if lines == nil {
				lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
			}
			d.lines = lines
		}
		return nil
	})
	return idx, err
}

// generators records the files of the configMapGenerator and
// secretGenerator entries of a kustomization file: Flux repositories make
// the ConfigMaps of valuesFrom and substituteFrom that way.
func (idx *index) generators(fsys fs.FS, file string, b []byte) {
	var k struct {
		Namespace          string `yaml:"namespace"`
		ConfigMapGenerator []struct {
			Name      string   `yaml:"name"`
			Namespace string   `yaml:"namespace"`
			Files     []string `yaml:"files"`
			Literals  []string `yaml:"literals"`
		} `yaml:"configMapGenerator"`
		SecretGenerator []struct {
			Name      string   `yaml:"name"`
			Namespace string   `yaml:"namespace"`
			Files     []string `yaml:"files"`
		} `yaml:"secretGenerator"`
	}
	if yaml.Unmarshal(b, &k) != nil {
		return
	}
	dir := path.Dir(file)
	add := func(kind, name, ns string, files []string) {
		if ns == "" {
			ns = k.Namespace
		}
		key := kind + " " + ns + "/" + name
		for _, f := range files {
			key2, src, ok := strings.Cut(f, "=")
			if !ok {
				key2, src = path.Base(f), f
			}
			p := path.Clean(path.Join(dir, src))
			if strings.HasPrefix(p, "../") {
				continue
			}
			if idx.generated[key] == nil {
				idx.generated[key] = map[string]string{}
			}
			idx.generated[key][key2] = p
		}
	}
	for _, g := range k.ConfigMapGenerator {
		add("ConfigMap", g.Name, g.Namespace, g.Files)
	}
	for _, g := range k.SecretGenerator {
		add("Secret", g.Name, g.Namespace, g.Files)
	}
}

// child returns the value node of key k in mapping n, or nil.
func child(n *yaml.Node, k string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			v := n.Content[i+1]
			for v != nil && v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

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
