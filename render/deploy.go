package render

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Deployment is one way a GitOps object of the repository (an Argo CD
// Application, a Flux HelmRelease or Kustomization) deploys a target: the
// target renders once per deployment, with the deployment's values, names
// and namespace, instead of with its defaults.
type Deployment struct {
	// Name names the variant in messages: "Application argocd/web-prod".
	Name string
	// File and Line are where the GitOps object is (repository-relative).
	File string
	Line int
	// Deps are the repository-relative files, besides the target's own,
	// that a change to marks the deployment changed: the GitOps object's
	// file, its values files, the ConfigMaps it reads.
	Deps []string
	// DepDirs are folders a change in which marks the deployment changed:
	// the app-of-apps chart that makes its GitOps object.
	DepDirs []string

	// ReleaseName is the Helm release name ("" for the default).
	ReleaseName string
	// Namespace is the namespace the objects are deployed to: Helm's
	// release namespace, and the namespace of every namespaced object
	// that does not set one.
	Namespace string
	// ForceNamespace sets Namespace on every namespaced object, even those
	// that set another (Flux's targetNamespace).
	ForceNamespace bool
	// Values are the Helm values of the deployment, lowest precedence
	// first, on top of the chart's values.yaml.
	Values []ValuesLayer
	// Kustomize is what the deployment adds on top of a kustomization:
	// a kustomization that uses the target as its resource.
	Kustomize *KustomizeOverlay
	// Substitute are Flux's post-build variables (${VAR}), applied to the
	// rendered objects, and SubstituteAt where each is set (the
	// Kustomization's substitute key, a substituteFrom ConfigMap's key).
	Substitute   map[string]string
	SubstituteAt map[string]Location
	// Notes are remarks about the deployment, shown with the variant.
	Notes []string
}

// ValuesLayer is one source of Helm values of a deployment.
type ValuesLayer struct {
	// File is the repository-relative file the values are in.
	File string
	// Node, when set, is the values mapping inside File (inline values of
	// an Application or a HelmRelease), with line and column positions in
	// File. Nil means all of File is a values file.
	Node *yaml.Node
	// Values, when set, are the values to merge instead of decoding Node
	// (--set style parameters, whose Node only carries positions).
	Values map[string]any
	// Origins are where the values of some scalars of Node were set
	// (a Flux post-build variable substituted into a HelmRelease's values),
	// by node.
	Origins map[*yaml.Node][]Related
}

// KustomizeOverlay is a kustomization that a deployment puts on top of a
// target (Argo CD's kustomize options, Flux's Kustomization spec). Its nodes
// keep their positions in File, so that findings caused by them point there.
type KustomizeOverlay struct {
	// File is the repository-relative file of the GitOps object, and
	// Lines its lines (for the positions inside block strings).
	File  string
	Lines []string
	// Widths are the lengths of the strings that synthesized nodes of
	// Fields were made from (an Argo CD image override "web=web:1.2"),
	// for the span of their locations.
	Widths map[*yaml.Node]int
	// Fields are the kustomization fields to set, in order: namespace,
	// namePrefix, nameSuffix, images, patches, components, labels,
	// commonLabels, commonAnnotations, replicas. Each value node has its
	// positions in File; scalars inside block strings (inline patches)
	// too.
	Fields []OverlayField
}

// OverlayField is one field of a KustomizeOverlay.
type OverlayField struct {
	Key  string
	Node *yaml.Node
}

// Empty reports whether the overlay sets nothing.
func (k *KustomizeOverlay) Empty() bool { return k == nil || len(k.Fields) == 0 }

// BlockLines returns, for a block scalar (|, >) or a quoted or plain string
// node in a file whose lines are lines, the line and column in the file of
// every line of its value, so that YAML parsed from the string can be
// placed in the file. It returns nil when the positions cannot be known
// (a folded or multi-line flow scalar).
func BlockLines(n *yaml.Node, lines []string) (starts []Position) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	count := strings.Count(n.Value, "\n") + 1
	if n.Style&yaml.LiteralStyle != 0 {
		// Content starts on the line after the indicator; its indentation
		// is that of the first non-blank content line.
		indent := -1
		for i := n.Line; i < len(lines) && i < n.Line+count; i++ {
			l := lines[i]
			if t := strings.TrimLeft(l, " "); t != "" {
				indent = len(l) - len(t)
				break
			}
		}
		if indent < 0 {
			return nil
		}
		for i := 0; i < count; i++ {
			starts = append(starts, Position{Line: n.Line + 1 + i, Column: indent + 1})
		}
		return starts
	}
	if count == 1 {
		col := n.Column
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			col++
		}
		return []Position{{Line: n.Line, Column: col}}
	}
	return nil
}

// Position is a line and column (from 1).
type Position struct{ Line, Column int }

// ParseEmbedded parses YAML held in a string node of a file (the values
// string of an Application, a ConfigMap's values.yaml key) and moves the
// positions of the parsed nodes to where their text is in the file. When
// the positions are unknown every node gets the string node's position.
func ParseEmbedded(n *yaml.Node, lines []string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(n.Value), &doc); err != nil {
		return nil, fmt.Errorf("line %d: %v", n.Line, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	starts := BlockLines(n, lines)
	var move func(m *yaml.Node)
	move = func(m *yaml.Node) {
		if m == nil {
			return
		}
		if i := m.Line - 1; i >= 0 && i < len(starts) {
			m.Line, m.Column = starts[i].Line, starts[i].Column+m.Column-1
		} else {
			m.Line, m.Column = n.Line, n.Column
		}
		for _, c := range m.Content {
			move(c)
		}
	}
	root := doc.Content[0]
	move(root)
	return root, nil
}
