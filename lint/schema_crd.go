package lint

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/prodlint/prodlint/render"
)

// groupVersionKind names a kind in an API version of a group.
type groupVersionKind struct{ group, version, kind string }

// objectGVK returns the group, version and kind of an object.
func objectGVK(o *render.Object) groupVersionKind {
	g, v, ok := strings.Cut(o.APIVersion, "/")
	if !ok {
		g, v = "", o.APIVersion
	}
	return groupVersionKind{g, v, o.Kind}
}

// crdVersion is one version of a CustomResourceDefinition with its schema.
type crdVersion struct {
	crd    *render.Object
	schema *crdSchema
}

// crdSchema is the openAPIV3Schema of a CRD version, compiled on first use.
// Identical schemas (the same CRD rendered by several targets or variants)
// share one crdSchema.
type crdSchema struct {
	key string
	raw map[string]any
	// prune is true when the API server prunes unknown fields (every
	// apiextensions.k8s.io/v1 CRD; v1beta1 ones with
	// preserveUnknownFields: false).
	prune bool

	once     sync.Once
	node     *schemaNode
	compiled *jsonschema.Schema
	err      error
}

// compile translates and compiles the schema once.
func (s *crdSchema) compile() (*schemaNode, *jsonschema.Schema, error) {
	s.once.Do(func() {
		doc, node := translateSchema(s.raw, true)
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		c.UseLoader(noLoader{})
		const url = "prodlint:///crd.json"
		if err := c.AddResource(url, doc); err != nil {
			s.err = err
			return
		}
		s.compiled, s.err = c.Compile(url)
		s.node = node
	})
	return s.node, s.compiled, s.err
}

// noLoader refuses to load any URL: CRD schemas cannot reference others,
// and linting never reaches the network.
type noLoader struct{}

// Load implements jsonschema.URLLoader.
func (noLoader) Load(url string) (any, error) {
	return nil, errors.New("prodlint loads no schema from " + url)
}

// schemaStore shares the schemas of all runs by content, so that a CRD
// rendered by many targets is compiled once.
var schemaStore struct {
	sync.Mutex
	m map[string]*crdSchema
}

const schemaStoreSize = 512

// sharedSchema returns the crdSchema of a raw schema.
func sharedSchema(raw map[string]any, prune bool) *crdSchema {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	key := string(sum[:])
	if prune {
		key += "p"
	}
	schemaStore.Lock()
	defer schemaStore.Unlock()
	if s, ok := schemaStore.m[key]; ok {
		return s
	}
	if schemaStore.m == nil || len(schemaStore.m) >= schemaStoreSize {
		schemaStore.m = map[string]*crdSchema{}
	}
	s := &crdSchema{key: key, raw: raw, prune: prune}
	schemaStore.m[key] = s
	return s
}

// crdVersions returns the versions of a CRD object that have a schema, by
// the group, version and kind they define.
func crdVersions(o *render.Object) map[groupVersionKind]*crdSchema {
	if o.Kind != "CustomResourceDefinition" || apiGroup(o.APIVersion) != "apiextensions.k8s.io" {
		return nil
	}
	spec, _ := o.Raw["spec"].(map[string]any)
	group, _ := spec["group"].(string)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	if group == "" || kind == "" {
		return nil
	}
	prune := o.APIVersion == "apiextensions.k8s.io/v1"
	if p, ok := spec["preserveUnknownFields"].(bool); ok && !prune {
		prune = !p
	}
	// v1beta1: one schema for every version, unless a version has its own.
	common, _ := rawMapAt(spec, "validation", "openAPIV3Schema")
	out := map[groupVersionKind]*crdSchema{}
	versions, _ := spec["versions"].([]any)
	for _, v := range versions {
		vm, _ := v.(map[string]any)
		name, _ := vm["name"].(string)
		s, ok := rawMapAt(vm, "schema", "openAPIV3Schema")
		if !ok {
			s, ok = common, common != nil
		}
		if name != "" && ok {
			if cs := sharedSchema(s, prune); cs != nil {
				out[groupVersionKind{group, name, kind}] = cs
			}
		}
	}
	if v, _ := spec["version"].(string); v != "" && common != nil && len(versions) == 0 {
		if cs := sharedSchema(common, prune); cs != nil {
			out[groupVersionKind{group, v, kind}] = cs
		}
	}
	return out
}

// rawMapAt returns the mapping at a chain of keys.
func rawMapAt(m map[string]any, keys ...string) (map[string]any, bool) {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
}

// crdIndex maps the kinds that CRDs define to their schemas.
type crdIndex struct {
	byGVK map[groupVersionKind][]crdVersion
	// kinds holds the group and kind of every CRD, for the coverage note.
	kinds map[groupKind]bool
}

// crdIndexes caches the indexes of the CRD lists of recent passes: the
// run's CRDs (Env.CRDs) and each render's objects.
var crdIndexes = renderCache[*crdIndex]{size: 16}

// crdIndexOf returns the index of the CRDs among objs.
func crdIndexOf(objs []*render.Object) *crdIndex {
	return crdIndexes.get(objs, func() *crdIndex {
		ix := &crdIndex{byGVK: map[groupVersionKind][]crdVersion{}, kinds: map[groupKind]bool{}}
		for _, o := range objs {
			for k, s := range crdVersions(o) {
				ix.byGVK[k] = append(ix.byGVK[k], crdVersion{o, s})
				ix.kinds[groupKind{k.group, k.kind}] = true
			}
		}
		return ix
	})
}

// crdCandidates returns the distinct schemas a custom resource may be
// validated against: those of the CRDs rendered with it when there are
// any, else those of every CRD of the run.
func crdCandidates(p *Pass) []*crdSchema {
	k := objectGVK(p.Object)
	vs := crdIndexOf(p.Objects).byGVK[k]
	if len(vs) == 0 {
		vs = crdIndexOf(p.Env.CRDs).byGVK[k]
	}
	var out []*crdSchema
	seen := map[*crdSchema]bool{}
	for _, v := range vs {
		if !seen[v.schema] {
			seen[v.schema] = true
			out = append(out, v.schema)
		}
	}
	return out
}
