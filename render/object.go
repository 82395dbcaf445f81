// Package render turns the targets of a repository (Helm charts, kustomizations
// and plain manifests) into Kubernetes objects that remember where they came
// from, and turns object paths back into source locations.
//
// The flow is one-directional: Discover finds targets, a Renderer turns a
// target into Variants of Objects, and an Object's Locator maps an object path
// (spec.template.spec.containers[name=web].securityContext) to a Location in a
// file that a person edits.
package render

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"

	"gopkg.in/yaml.v3"
)

// Kind is the kind of a render target.
type Kind string

// Target kinds.
const (
	Helm      Kind = "helm"
	Kustomize Kind = "kustomize"
	Plain     Kind = "plain"
)

// Target is one unit that renders to objects: a chart, a kustomization root,
// or a folder of plain manifests.
type Target struct {
	Kind Kind
	// Dir is the repository-relative, slash-separated folder of the target
	// ("." for the repository root).
	Dir string
	// Files lists the repository-relative manifest files of a plain target.
	Files []string
	// Variants lists, for a chart, the values files (relative to Dir) that
	// each render as their own variant on top of values.yaml. The default
	// variant (values.yaml alone) is always rendered and is not listed.
	Variants []string
	// ReleaseName and Namespace override Options for this chart (from the
	// configuration).
	ReleaseName string
	Namespace   string
	// Deployments are the GitOps objects of the repository that deploy
	// the target. A target with deployments renders once per deployment
	// (and for its Variants), not with its defaults.
	Deployments []*Deployment
}

// String names the target the way messages do: "helm charts/web".
func (t Target) String() string { return string(t.Kind) + " " + t.Dir }

// Options are the settings every renderer receives.
type Options struct {
	// Root is the absolute path of the repository root, used in messages
	// and as the base of absolute paths libraries need.
	Root string
	// FS is the repository, rooted at Root. Renderers read every file
	// through it and nothing else, so the same code renders the work tree
	// (an os.Root, which refuses symlinks and paths that leave the
	// repository) and a git revision (a read-only tree). Nil means the work
	// tree at Root.
	FS fs.FS
	// KubeVersion is the Kubernetes version to render for ("1.34.0").
	KubeVersion string
	// APIVersions are extra API versions for Helm's .Capabilities
	// ("monitoring.coreos.com/v1", "policy/v1/PodDisruptionBudget").
	APIVersions []string
	// ReleaseName and Namespace are Helm's release name and namespace.
	ReleaseName string
	Namespace   string
}

// RepoFS returns opts.FS, or the work tree at opts.Root when it is nil,
// opened so that no path or symlink can leave the repository.
func (o Options) RepoFS() (fs.FS, error) {
	if o.FS != nil {
		return o.FS, nil
	}
	r, err := os.OpenRoot(o.Root)
	if err != nil {
		return nil, err
	}
	return r.FS(), nil
}

// Renderer renders one target. It returns one Variant per variant of the
// target; a variant that fails carries its error in Variant.Err, so that the
// other variants are still linted. An error return means the whole target
// could not be read.
type Renderer interface {
	Render(ctx context.Context, t Target, opts Options) ([]*Variant, error)
}

// Variant is the output of rendering one variant of a target.
type Variant struct {
	Target Target
	// Name is "" for the default variant, or the values file relative to the
	// chart ("ci/prod-values.yaml").
	Name    string
	Objects []*Object
	// Err is set when this variant failed to render. Objects may still hold
	// what rendered before the failure.
	Err error
	// Notes are non-fatal remarks about the render (a skipped generator, a
	// kubeVersion constraint that does not match), shown to the user.
	Notes []string
	// Deployment is the GitOps deployment the variant renders, if any.
	Deployment *Deployment
}

// Object is one rendered Kubernetes object with its provenance.
type Object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string

	// File is the repository-relative source file that produced the object:
	// the template, the kustomize origin file, or the plain manifest.
	File string
	// Doc is the index of the document in File (plain manifests) or in the
	// template's output (Helm), counting from 0.
	Doc int
	// Hook is the value of the helm.sh/hook annotation for Helm hooks.
	Hook string
	// InReleaseNamespace is true for a Helm object whose namespace is the
	// release namespace (namespace: {{ .Release.Namespace }}): the chart
	// did not choose it, the installer does.
	InReleaseNamespace bool
	// Generated names the generator that made the object
	// ("configMapGenerator in base/kustomization.yaml"), if any.
	Generated string

	// Node is the object's document mapping node as rendered.
	Node *yaml.Node
	// Raw is the object decoded into plain Go values (maps with string keys,
	// slices, scalars), for typed decoding by rules.
	Raw map[string]any

	// Locator maps object paths to source locations. Renderers always set it.
	Locator Locator
}

// Ref names an object in messages: "Deployment payments-prod/payments".
func (o *Object) Ref() string {
	if o.Namespace != "" {
		return o.Kind + " " + o.Namespace + "/" + o.Name
	}
	return o.Kind + " " + o.Name
}

// NewObject builds an Object from a rendered document node. It returns an
// error when the node is not a Kubernetes object (no apiVersion or kind).
func NewObject(doc *yaml.Node) (*Object, error) {
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, nil
		}
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("document is a %s, not a Kubernetes object", nodeKindName(n))
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	raw, _ := Normalize(v).(map[string]any)
	o := &Object{Node: n, Raw: raw}
	o.APIVersion, _ = raw["apiVersion"].(string)
	o.Kind, _ = raw["kind"].(string)
	if md, ok := raw["metadata"].(map[string]any); ok {
		o.Name, _ = md["name"].(string)
		o.Namespace, _ = md["namespace"].(string)
		if ann, ok := md["annotations"].(map[string]any); ok {
			o.Hook, _ = ann["helm.sh/hook"].(string)
		}
	}
	if o.Kind == "" || o.APIVersion == "" {
		return nil, fmt.Errorf("document has no apiVersion or kind")
	}
	return o, nil
}

// IsObject reports whether a parsed document looks like a Kubernetes object:
// a mapping with string apiVersion and kind.
func IsObject(doc *yaml.Node) bool {
	n := doc
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	var api, kind bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Value == "" {
			continue
		}
		switch k.Value {
		case "apiVersion":
			api = true
		case "kind":
			kind = true
		}
	}
	return api && kind
}

// Normalize turns map[any]any (which yaml.v3 produces for non-string keys)
// into map[string]any, recursively, in place.
func Normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = Normalize(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = Normalize(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = Normalize(e)
		}
		return t
	}
	return v
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "mapping"
}

// Rel joins a target folder and a path relative to it into a clean
// repository-relative path.
func Rel(dir, p string) string {
	return path.Clean(path.Join(dir, p))
}

// CloneNode deep-copies a node tree (aliases keep pointing at the
// originals, which is fine for reading).
func CloneNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		c.Content[i] = CloneNode(e)
	}
	return &c
}

// MapKey returns the key and value nodes of key k in mapping node m
// (aliases resolved, merge keys followed), or nils.
func MapKey(m *yaml.Node, k string) (key, val *yaml.Node) {
	m = ResolveAlias(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	key, val = mapGet(m, k)
	return key, ResolveAlias(val)
}

// MapValue returns the value of key k in mapping node m (see MapKey), or
// nil.
func MapValue(m *yaml.Node, k string) *yaml.Node {
	_, v := MapKey(m, k)
	return v
}
