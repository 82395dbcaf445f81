package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// ObjectRef names the object a finding is about.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// String is "Deployment payments-prod/payments".
func (r ObjectRef) String() string {
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// Finding is one problem, placed in a file.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Message says what is wrong, without the object name.
	Message string `json:"message"`
	// Target is the target folder, TargetKind its kind.
	Target     string      `json:"target"`
	TargetKind render.Kind `json:"targetKind"`
	// Variants lists the target variants that have this finding ("" is the
	// default variant) when not all of them have it; empty means every
	// variant. One problem rendered by several variants is one finding.
	Variants  []string  `json:"variants,omitempty"`
	Object    ObjectRef `json:"object"`
	Container string    `json:"container,omitempty"`
	// Path is the object path of the problem.
	Path string `json:"path"`
	// Hook is set for Helm hooks (pre-install,pre-upgrade).
	Hook string `json:"hook,omitempty"`
	// Location is where a person fixes it.
	Location render.Location `json:"location"`
	// Related are other places that explain the finding (the values file
	// line that set the value, the base a patch changed).
	Related []render.Related `json:"related,omitempty"`
	// Fingerprint identifies the problem independently of line numbers:
	// rule, target, object and path.
	Fingerprint string `json:"fingerprint"`
	// Baseline is new or unchanged when the run compared with a base
	// revision (--base, --staged), absent for a fixed finding, else empty.
	Baseline BaselineState `json:"baselineState,omitempty"`
	// Suppressed is set when an in-source suppression covers the finding.
	Suppressed *Suppression `json:"suppression,omitempty"`
	// Also lists the other objects with the same problem at the same place
	// (a kustomize base shared by overlays): one problem, one finding.
	Also []Occurrence `json:"also,omitempty"`

	// annotation is the location key of the object's ignore annotation.
	annotation string
}

// Occurrence is another object that has a finding's problem.
type Occurrence struct {
	Target      string      `json:"target"`
	TargetKind  render.Kind `json:"targetKind"`
	Variants    []string    `json:"variants,omitempty"`
	Object      ObjectRef   `json:"object"`
	Fingerprint string      `json:"fingerprint"`
}

// maxNamed is how many objects a merged finding's message names.
const maxNamed = 3

// Subject names the object and container: "Deployment shop/web, container
// api". A finding shared by several targets names each object with its
// target: "Deployment shop/web (deploy/prod) and Deployment dev/web
// (deploy/dev), container api".
func (f *Finding) Subject() string {
	if f.Object.Kind == "" {
		return ""
	}
	s := f.Object.String()
	if len(f.Also) > 0 {
		// The targets are named when they differ (overlays of one base),
		// not when the objects are all of one target (the deployments of
		// one chart).
		oneTarget := true
		for _, o := range f.Also {
			oneTarget = oneTarget && o.Target == f.Target
		}
		in := func(target string) string {
			if oneTarget {
				return ""
			}
			return " (" + target + ")"
		}
		names := []string{s + in(f.Target)}
		for i, o := range f.Also {
			if i+1 >= maxNamed && len(f.Also) > maxNamed {
				names = append(names, fmt.Sprintf("%d more", len(f.Also)-i))
				break
			}
			names = append(names, o.Object.String()+in(o.Target))
		}
		s = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	if f.Container != "" {
		s += ", container " + f.Container
	}
	return s
}

// Text is the full one-line message: subject and problem.
func (f *Finding) Text() string {
	s := f.Message
	if subj := f.Subject(); subj != "" {
		s = subj + ": " + s
	}
	if f.Hook != "" {
		s += " (helm hook " + f.Hook + ")"
	}
	if vs := f.Labels(); len(vs) > 0 {
		s += " [" + strings.Join(vs, ", ") + "]"
	}
	return s
}

// Labels are the variants a finding is reported for: its own and those of
// the other targets it merges (the deployments of two kustomize bases by
// one ApplicationSet), with values.yaml for the default variant of a chart;
// none when every variant has it.
func (f *Finding) Labels() []string {
	var vs []string
	for _, v := range f.Variants {
		if v == "" {
			v = "values.yaml"
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		return nil
	}
	for _, o := range f.Also {
		for _, v := range o.Variants {
			if v != "" && !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
	}
	return vs
}

// fingerprint hashes what identifies a problem and never line numbers.
func fingerprint(f *Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, f.Target, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Container, f.Path} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
