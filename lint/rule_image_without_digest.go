package lint

import "strings"

// imageWithoutDigest reports images pinned by a version tag only. Images
// without a tag or with latest are left to image-latest-tag, and a valid
// digest (with or without a tag) pins the image.
var _ = Register(&Rule{
	ID:       "image-without-digest",
	Severity: Warning,
	Summary:  "Container image is pinned by tag, not by digest",
	Rationale: "A tag is a mutable pointer: whoever can push to the repository (or a compromised " +
		"registry account) can move `1.4.2` to other content, which nodes then pull on the next " +
		"start. A digest names the exact image that was built, scanned and approved, and is the " +
		"basis of image signature and provenance checks.",
	Remediation: "Append the digest to the tag (`image: repo:1.4.2@sha256:...`; the tag stays for " +
		"readability and is ignored on pull), and let a bot such as Renovate update both. Opt-in: " +
		"enable the rule in the configuration. Images without a tag or with `latest` are reported by " +
		"image-latest-tag instead.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    image: registry.example.com/web:1.4.2@sha256:9b2a7c0d3f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b\n" +
		"```",
	Tags:             []string{"security", "supply-chain"},
	SecuritySeverity: 3.0,
	OptIn:            true,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			repo, tag, dig, _ := splitImage(c.Image)
			if digest.MatchString(dig) || repo == "" || tag == "" || strings.EqualFold(tag, "latest") {
				continue
			}
			p.ReportContainer(c, c.Path.Key("image"), "image %q is pinned by tag only; add its digest (@sha256:...)", c.Image)
		}
	},
})
