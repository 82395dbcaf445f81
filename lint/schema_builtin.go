package lint

import (
	"encoding/json"
	"reflect"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsv1beta1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	k8sjson "sigs.k8s.io/json"

	"github.com/prodlint/prodlint/render"
)

// builtinTypes maps "apiVersion kind" of the kinds the API server serves
// itself to their Go type: every external version of client-go's scheme,
// and CustomResourceDefinitions.
var builtinTypes = sync.OnceValue(func() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for gvk, t := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue
		}
		m[gvk.GroupVersion().String()+" "+gvk.Kind] = t
	}
	m["apiextensions.k8s.io/v1 CustomResourceDefinition"] = reflect.TypeFor[apiextensionsv1.CustomResourceDefinition]()
	m["apiextensions.k8s.io/v1beta1 CustomResourceDefinition"] = reflect.TypeFor[apiextensionsv1beta1.CustomResourceDefinition]()
	return m
})

// servedGroup reports whether the API server serves group itself: a kind
// of such a group is built in, even in a version prodlint does not know
// (one that Kubernetes removed).
func servedGroup(group string) bool {
	return builtinGroups[group] || schemeGroups()[group]
}

// schemeGroups are the API groups of client-go's scheme.
var schemeGroups = sync.OnceValue(func() map[string]bool {
	g := map[string]bool{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		g[gvk.Group] = true
	}
	return g
})

// builtinType returns the Go type of a built-in kind in an API version, or
// nil.
func builtinType(apiVersion, kind string) reflect.Type {
	return builtinTypes()[apiVersion+" "+kind]
}

// validateBuiltin checks that a built-in object decodes strictly into its
// typed struct, as the API server decodes it (status aside: it is not
// applied). The decoder is the judge: an object it accepts has no problem.
// When it refuses the object, a walk over the object (walkTyped) finds
// every problem at its path; the walk forgives what the real manifest
// pipeline accepts and the decoder of this rendered form does not (yes/no
// booleans), so its findings are what is reported.
func validateBuiltin(o *render.Object) []schemaProblem {
	t := builtinType(o.APIVersion, o.Kind)
	raw := make(map[string]any, len(o.Raw))
	for k, v := range o.Raw {
		if k != "status" {
			raw[k] = v
		}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	strict, err := k8sjson.UnmarshalStrict(b, reflect.New(t).Interface())
	if err == nil && len(strict) == 0 {
		return nil
	}
	w := &typeWalker{}
	w.walk(raw, t, nil, nil)
	return w.problems
}
