package lint

import (
	"github.com/prodlint/prodlint/render"
)

// claimSpec is a PersistentVolumeClaim spec of an object: a
// PersistentVolumeClaim's own, or a StatefulSet's volume claim templates.
type claimSpec struct {
	spec map[string]any
	// path is the path of the spec.
	path render.Path
}

// claimSpecs returns the PersistentVolumeClaim specs of o.
func claimSpecs(o *render.Object) []claimSpec {
	if o.Kind == "PersistentVolumeClaim" && o.APIVersion == "v1" {
		if spec := asMap(o.Raw["spec"]); spec != nil {
			return []claimSpec{{spec, render.Path{}.Key("spec")}}
		}
		return nil
	}
	if wk, ok := workloadKindOf(o); !ok || wk.like != "StatefulSet" {
		return nil
	}
	var out []claimSpec
	vcts, _ := rawAt(o.Raw, "spec", "volumeClaimTemplates").([]any)
	for i, v := range vcts {
		if spec := asMap(asMap(v)["spec"]); spec != nil {
			out = append(out, claimSpec{spec, render.Path{}.Key("spec").Key("volumeClaimTemplates").Index(i).Key("spec")})
		}
	}
	return out
}

// pvcMissingStorageRequest reports PersistentVolumeClaims and StatefulSet
// volume claim templates without resources.requests.storage.
var _ = Register(&Rule{
	ID:       "pvc-missing-storage-request",
	Severity: Error,
	Summary:  "PersistentVolumeClaim does not request a size",
	Rationale: "The API server requires `resources.requests.storage` on a PersistentVolumeClaim: " +
		"without it the claim is rejected, and for a StatefulSet's volume claim template every " +
		"pod stays Pending because its claim cannot be created.",
	Remediation: "Request the size the volume needs.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  accessModes: [ReadWriteOnce]\n" +
		"  resources:\n" +
		"    requests:\n" +
		"      storage: 10Gi\n" +
		"```",
	Tags: []string{"storage", "correctness"},
	Check: func(p *Pass) {
		for _, c := range claimSpecs(p.Object) {
			if rawAt(c.spec, "resources", "requests", "storage") == nil {
				p.Report(c.path.Key("resources").Key("requests").Key("storage"),
					"resources.requests.storage is not set and the API server rejects the claim; request a size")
			}
		}
	},
})
