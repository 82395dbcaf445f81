package lint

// Schema validation: the rules unknown-field, invalid-field-type,
// invalid-field-value, missing-required-field and pruned-field check objects
// against the schema the API server applies to them.
//
//   - Built-in kinds (known to client-go's scheme, plus
//     CustomResourceDefinitions) are decoded the way the API server decodes
//     them: strictly, case-sensitively, into the typed struct of their API
//     version (schema_builtin.go, schema_walk.go). A few required fields that
//     the API server's validation insists on are checked on top
//     (schema_required.go).
//   - Custom resources are validated against the openAPIV3Schema of their
//     CustomResourceDefinition, when the run rendered one (Env.CRDs, and the
//     CRDs among the pass's objects): unknown fields are pruned the way the
//     API server prunes them, the rest is validated with a JSON Schema
//     validator (schema_crd.go, schema_crd_validate.go).
//   - Other kinds are never guessed at: SchemaCoverageNote names them.
//
// Every rule reads the same per-object result, computed once and cached.

import (
	"sync"

	"github.com/prodlint/prodlint/render"
)

// schemaClass is the kind of a schema problem; each class is one rule.
type schemaClass int

const (
	// unknownField is a field the typed struct of a built-in kind lacks.
	unknownField schemaClass = iota
	// invalidType is a value of the wrong JSON type.
	invalidType
	// invalidValue is a value of the right type that the schema rejects
	// (a malformed quantity, an enum or pattern violation).
	invalidValue
	// missingRequired is a required field that is missing or empty.
	missingRequired
	// prunedField is a field a CRD's structural schema does not declare.
	prunedField
)

// schemaProblem is one schema problem of an object.
type schemaProblem struct {
	class   schemaClass
	path    render.Path
	message string
}

// reportSchema reports the problems of class c of the pass's object.
func reportSchema(p *Pass, c schemaClass) {
	for _, sp := range schemaProblems(p) {
		if sp.class == c {
			p.problems = append(p.problems, Problem{Path: sp.path, Message: sp.message, Container: pathContainer(sp.path)})
		}
	}
}

// schemaProblems returns the schema problems of the pass's object, from the
// cache when another schema rule already computed them.
func schemaProblems(p *Pass) []schemaProblem {
	k := schemaKey{obj: p.Object, crds: sliceID(p.Env.CRDs), objs: sliceID(p.Objects)}
	schemaCache.Lock()
	for i, e := range schemaCache.entries {
		if e.key == k {
			ps := schemaCache.entries[i].problems
			schemaCache.Unlock()
			return ps
		}
	}
	schemaCache.Unlock()
	var ps []schemaProblem
	switch {
	case sopsEncrypted(p.Object):
		// Its values are ciphertext until Flux decrypts it: the schema
		// of the decrypted object is unknown here.
	case builtinType(p.Object.APIVersion, p.Object.Kind) != nil:
		ps = append(validateBuiltin(p.Object), requiredProblems(p.Object)...)
	default:
		ps = validateCustom(p.Object, crdCandidates(p))
	}
	schemaCache.Lock()
	schemaCache.entries = append(schemaCache.entries, schemaEntry{k, ps})
	if n := len(schemaCache.entries); n > schemaCacheSize {
		schemaCache.entries = append(schemaCache.entries[:0:0], schemaCache.entries[n-schemaCacheSize:]...)
	}
	schemaCache.Unlock()
	return ps
}

// schemaKey identifies a schema result: the object, and the CRDs and
// objects it was validated with (by the identity of their slices).
type schemaKey struct {
	obj        *render.Object
	crds, objs sliceKey
}

// sliceKey identifies an object slice by its first and last elements and
// its length (the renders of a run never share objects).
type sliceKey struct {
	first, last *render.Object
	n           int
}

func sliceID(s []*render.Object) sliceKey {
	if len(s) == 0 {
		return sliceKey{}
	}
	return sliceKey{s[0], s[len(s)-1], len(s)}
}

type schemaEntry struct {
	key      schemaKey
	problems []schemaProblem
}

// schemaCache keeps the results of the objects being checked. The rules of
// one object run one after the other in one goroutine, so a few entries per
// goroutine are enough; a miss only costs time. Entries hold their objects,
// so a key's pointer cannot be reused while it is cached.
var schemaCache struct {
	sync.Mutex
	entries []schemaEntry
}

const schemaCacheSize = 64

// sopsEncrypted reports an object encrypted with SOPS (its top-level sops
// metadata).
func sopsEncrypted(o *render.Object) bool {
	return sopsMetadata(nil, "sops", o.Raw["sops"])
}
