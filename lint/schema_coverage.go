package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// maxNoteKinds is the number of kinds a coverage note names.
const maxNoteKinds = 8

// SchemaCoverageNote returns the note that names the kinds of objs that the
// schema rules cannot validate, or "" when they validate every kind: custom
// resources whose CRD is not among crds (the CustomResourceDefinitions of
// the run), and those whose CRD schema does not compile. Built-in kinds are
// always covered (a built-in kind in a version prodlint does not know is
// left to removed-api-version). Objects are counted once however many
// variants rendered them. Run calls it once per run.
func SchemaCoverageNote(objs []*render.Object, crds []*render.Object) string {
	ix := crdIndexOf(crds)
	type ref struct{ apiVersion, kind, ns, name string }
	seen := map[ref]bool{}
	missing := map[string]int{}
	otherVersion := map[string]bool{}
	unusable := map[string]bool{}
	objects := 0
	for _, o := range objs {
		r := ref{o.APIVersion, o.Kind, o.Namespace, o.Name}
		if seen[r] || builtinType(o.APIVersion, o.Kind) != nil || servedGroup(apiGroup(o.APIVersion)) {
			continue
		}
		seen[r] = true
		name := o.APIVersion + " " + o.Kind
		k := objectGVK(o)
		vs := ix.byGVK[k]
		if len(vs) == 0 {
			missing[name]++
			objects++
			otherVersion[name] = ix.kinds[groupKind{k.group, k.kind}]
			continue
		}
		for _, v := range vs {
			if _, _, err := v.schema.compile(); err != nil {
				unusable[name] = true
			}
		}
	}
	var parts []string
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, n)
		}
		sort.Strings(names)
		for i, n := range names {
			if otherVersion[n] {
				names[i] += " (its CRD defines other versions)"
			}
		}
		parts = append(parts, fmt.Sprintf("no schema for %s (%s): %s; add their CRDs to the repository to validate them",
			noteCount(len(missing), "kind"), noteCount(objects, "object"), listNamesShort(names)))
	}
	if len(unusable) > 0 {
		names := make([]string, 0, len(unusable))
		for n := range unusable {
			names = append(names, n)
		}
		sort.Strings(names)
		parts = append(parts, fmt.Sprintf("the CRD schema of %s does not compile, so they were not validated", listNamesShort(names)))
	}
	return strings.Join(parts, "; ")
}

// noteCount formats a count of things: "1 kind", "3 kinds".
func noteCount(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// listNamesShort joins names, naming at most maxNoteKinds of them.
func listNamesShort(names []string) string {
	if len(names) <= maxNoteKinds {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxNoteKinds], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNoteKinds)
}

// customSchemaRules are the rules that validate custom resources against
// their CRDs, which the coverage note is about.
var customSchemaRules = []string{"pruned-field", "invalid-field-type", "invalid-field-value", "missing-required-field"}

// runsCustomSchemaRules reports whether rules has a rule that validates
// custom resources: Run adds the coverage note only then.
func runsCustomSchemaRules(rules []*Rule) bool {
	for _, r := range rules {
		for _, id := range customSchemaRules {
			if r.ID == id {
				return true
			}
		}
	}
	return false
}
