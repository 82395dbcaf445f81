package lint

import (
	"regexp"
	"strings"
)

// digest matches an OCI content digest (sha256:3f1c...).
var digest = regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`)

// splitImage splits an image reference into repository, tag and digest. The
// tag is what follows the last colon of the last path component, so that a
// registry port (localhost:5000/app) is not taken for a tag; hasTag tells
// an empty tag (app:) from none.
func splitImage(image string) (repo, tag, dig string, hasTag bool) {
	repo = strings.TrimSpace(image)
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo, dig = repo[:i], repo[i+1:]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo, tag, hasTag = repo[:i], repo[i+1:], true
	}
	return repo, tag, dig, hasTag
}

// imageLatestTag reports images that are not pinned to a version: the
// latest tag, no tag (which means latest), an empty tag, or no image at all.
// A valid digest pins the image even with a tag before it (app:latest@sha256:
// ...): the runtime pulls the digest and ignores the tag.
var _ = Register(&Rule{
	ID:       "image-latest-tag",
	Severity: Warning,
	Summary:  "Container image uses the latest tag or no tag",
	Rationale: "`latest` (which is also what an image without a tag means) moves: two nodes can " +
		"run different code for the same pod spec, a restart silently upgrades the " +
		"application, a rollback cannot go back, and you cannot tell which build, with which " +
		"vulnerabilities, is running. A compromised registry tag is also picked up by the next " +
		"pull.",
	Remediation: "Pin an immutable version tag, or better a digest (a tag before the digest is " +
		"kept for readability and ignored on pull, so `app:latest@sha256:...` is pinned). A registry port " +
		"is not a tag: `localhost:5000/app` has no tag.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    image: registry.example.com/web:1.4.2@sha256:9b2a7c0d3f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b\n" +
		"```",
	Tags:             []string{"security", "supply-chain"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			path := c.Path.Key("image")
			repo, tag, dig, hasTag := splitImage(c.Image)
			switch {
			case digest.MatchString(dig):
			case strings.TrimSpace(c.Image) == "":
				p.ReportContainer(c, path, "image is empty; set an image with a version tag or digest")
			case repo == "":
				p.ReportContainer(c, path, "image %q has no repository; set an image with a version tag or digest", c.Image)
			case !hasTag:
				p.ReportContainer(c, path, "image %q has no tag and pulls latest; pin a version tag or digest", c.Image)
			case tag == "":
				p.ReportContainer(c, path, "image %q has an empty tag; pin a version tag or digest", c.Image)
			case strings.EqualFold(tag, "latest"):
				p.ReportContainer(c, path, "image %q uses the latest tag; pin a version tag or digest", c.Image)
			}
		}
	},
})
