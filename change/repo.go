package change

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Repo is a git repository with a work tree, opened read-only: nothing in
// this package writes to the repository, its index or its work tree.
//
// A Repo and the file systems from TreeFS may be used from several
// goroutines; access to the object store is serialised.
type Repo struct {
	repo *git.Repository
	root string // absolute OS path of the work tree root

	mu sync.Mutex // guards repo's object store, which is not safe for concurrent use
}

// Open finds the git repository that contains path, walking up from it,
// and returns it. path may be the work tree root, any folder or file below
// it, or a linked worktree (git worktree add). A bare repository is refused:
// prodlint lints a work tree.
func Open(path string) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{
		DetectDotGit:          true,
		EnableDotGitCommonDir: true,
	})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, kindErr(ErrNotRepository, err, fmt.Sprintf(
			"%s is not inside a git repository; run prodlint lint without --base/--staged, or run it in a clone", abs))
	}
	if err != nil {
		return nil, fmt.Errorf("opening the git repository that contains %s: %w", abs, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, kindErr(ErrNotRepository, err, fmt.Sprintf(
			"%s is inside a bare git repository, which has no work tree to lint", abs))
	}
	if err != nil {
		return nil, fmt.Errorf("opening the work tree that contains %s: %w", abs, err)
	}
	if st, ok := repo.Storer.(*filesystem.Storage); ok {
		// Keep pack files open between object reads: go-git otherwise
		// reopens the pack for every object, which doubles the time of a
		// tree diff in a packed repository. Close releases them.
		fast := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(),
			filesystem.Options{KeepDescriptors: true})
		if again, err := git.Open(fast, wt.Filesystem); err == nil {
			repo = again
		}
	}
	return &Repo{repo: repo, root: wt.Filesystem.Root()}, nil
}

// Close releases the pack files the repository keeps open. The Repo and
// its TreeFS file systems must not be used afterwards. A Repo that is not
// closed holds its file descriptors until the program exits.
func (r *Repo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, ok := r.repo.Storer.(*filesystem.Storage); ok {
		return st.Close()
	}
	return nil
}

// Root returns the absolute path of the work tree root. Change paths are
// relative to it.
func (r *Repo) Root() string { return r.root }

// Since returns the changes between the merge base of rev and HEAD and the
// work tree as it is on disk: what was committed since the merge base, plus
// staged and unstaged changes and untracked files that are not ignored.
// A file added and then removed again does not appear.
//
// rev is anything `git rev-parse` would take for a commit that go-git
// understands: a branch (main), a remote branch (origin/main), a tag, a
// full or abbreviated SHA, HEAD~1, and so on. Since("HEAD") gives only
// the uncommitted changes. A detached HEAD works like any commit.
//
// Renames are detected between the base and the final state (exact
// renames, then renames with at least 50% similar content, as git does).
// Mode-only changes (chmod +x) are not reported.
//
// Errors match ErrNoCommits (HEAD has no commit), ErrUnknownRevision,
// ErrShallowClone (the history needed is not in the clone) or
// ErrNoCommonAncestor, and carry a one-line message for the user.
func (r *Repo) Since(rev string) (*Diff, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	// The work tree is checked on disk while commits and trees are read:
	// the scan does not use the object store.
	type scanResult struct {
		sc  *worktreeScan
		err error
	}
	scanned := make(chan scanResult, 1)
	go func() {
		sc, err := r.scanWorktree()
		scanned <- scanResult{sc, err}
	}()
	wait := func() (*worktreeScan, error) {
		res := <-scanned
		scanned <- res // later waits get it again
		return res.sc, res.err
	}
	defer wait()

	head, err := r.headCommit()
	if err != nil {
		return nil, err
	}
	if head == nil {
		return nil, kindErr(ErrNoCommits, nil,
			"the repository has no commits yet; use --staged or lint everything")
	}
	base, err := r.resolveBase(rev)
	if err != nil {
		return nil, err
	}
	mb, err := r.mergeBase(rev, base, head)
	if err != nil {
		return nil, err
	}

	headTree, err := head.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of HEAD (%s): %w", head.Hash, err)
	}
	headFiles, err := r.treeFiles(headTree.Hash)
	if err != nil {
		return nil, fmt.Errorf("reading the tree of HEAD (%s): %w", head.Hash, err)
	}

	// Paths changed by commits since the merge base, with their state at
	// the merge base and at HEAD. Every other path is the same at both.
	type pair struct{ base, head fileState }
	committed := map[string]*pair{}
	if mb.Hash != head.Hash {
		mbTree, err := mb.Tree()
		if err != nil {
			return nil, fmt.Errorf("reading the tree of the merge base %s: %w", mb.Hash, err)
		}
		changes, err := object.DiffTreeWithOptions(bg, mbTree, headTree, &object.DiffTreeOptions{})
		if err != nil {
			return nil, fmt.Errorf("comparing the merge base %s with HEAD: %w", mb.Hash, err)
		}
		get := func(p string) *pair {
			if committed[p] == nil {
				committed[p] = &pair{}
			}
			return committed[p]
		}
		for _, c := range changes {
			if c.From.Name != "" && c.From.TreeEntry.Mode != filemode.Dir {
				get(c.From.Name).base = treeState(c.From.TreeEntry)
			}
			if c.To.Name != "" && c.To.TreeEntry.Mode != filemode.Dir {
				get(c.To.Name).head = treeState(c.To.TreeEntry)
			}
		}
	}

	sc, err := wait()
	if err != nil {
		return nil, err
	}
	wt := sc.worktreeState(headFiles)

	var added, deleted []*side
	var changes []Change
	classify := func(p string, from, to fileState) error {
		switch {
		case !from.present && !to.present:
			return nil
		case !from.present:
			added = append(added, r.newSide(p, to))
		case !to.present:
			deleted = append(deleted, r.newSide(p, from))
		default:
			if to.hash.IsZero() {
				s, err := r.diskState(p)
				if err != nil {
					return err
				}
				if !s.present {
					return fmt.Errorf("hashing %s in the work tree: it disappeared while prodlint was reading it", p)
				}
				to = s
			}
			if from.hash != to.hash || isLink(from.mode) != isLink(to.mode) {
				changes = append(changes, Change{Path: p, OldPath: p, Action: Modified})
			}
		}
		return nil
	}
	for p, c := range committed {
		to := c.head
		if s, ok := wt[p]; ok {
			to = s
		}
		if err := classify(p, c.base, to); err != nil {
			return nil, err
		}
	}
	for p, s := range wt {
		if _, ok := committed[p]; ok {
			continue
		}
		if err := classify(p, headFiles[p], s); err != nil {
			return nil, err
		}
	}
	renamed, err := r.detectRenames(added, deleted)
	if err != nil {
		return nil, err
	}
	changes = append(changes, renamed...)
	sortChanges(changes)
	return &Diff{Base: mb.Hash.String(), Changes: changes}, nil
}

// Staged returns the changes staged in the index against HEAD: what
// `git commit` would record (git diff --cached). In a repository without
// commits, or on an unborn branch, every index entry is added and Base is "".
// Renames are detected as in Since. Entries added with `git add -N`
// (intent to add) are not staged content and are left out, as git does.
func (r *Repo) Staged() (*Diff, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	head, err := r.headCommit()
	if err != nil {
		return nil, err
	}
	headFiles := map[string]fileState{}
	base := ""
	if head != nil {
		base = head.Hash.String()
		if headFiles, err = r.treeFiles(head.TreeHash); err != nil {
			return nil, fmt.Errorf("reading the tree of HEAD (%s): %w", head.Hash, err)
		}
	}
	idx, err := r.readIndex()
	if err != nil {
		return nil, err
	}

	var added, deleted []*side
	var changes []Change
	seen := make(map[string]bool, len(idx.entries))
	for _, p := range idx.order {
		seen[p] = true
		e := idx.entries[p]
		from := headFiles[p]
		var to fileState
		switch {
		case idx.conflicts[p]:
			// An unmerged path: a commit is impossible until it is
			// resolved; report it as changed without reading it.
			if from.present {
				changes = append(changes, Change{Path: p, OldPath: p, Action: Modified})
			} else {
				changes = append(changes, Change{Path: p, Action: Added})
			}
			continue
		case e.IntentToAdd:
			to = fileState{}
		default:
			to = fileState{present: true, hash: e.Hash, mode: e.Mode}
		}
		switch {
		case !from.present && !to.present:
		case !from.present:
			added = append(added, r.newSide(p, to))
		case !to.present:
			deleted = append(deleted, r.newSide(p, from))
		case from.hash != to.hash || isLink(from.mode) != isLink(to.mode):
			changes = append(changes, Change{Path: p, OldPath: p, Action: Modified})
		}
	}
	for p, s := range headFiles {
		if !seen[p] {
			deleted = append(deleted, r.newSide(p, s))
		}
	}
	renamed, err := r.detectRenames(added, deleted)
	if err != nil {
		return nil, err
	}
	changes = append(changes, renamed...)
	sortChanges(changes)
	return &Diff{Base: base, Changes: changes}, nil
}

// headCommit returns the commit HEAD points to, or nil when HEAD is an
// unborn branch (no commits yet).
func (r *Repo) headCommit() (*object.Commit, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading HEAD: %w", err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("reading the HEAD commit %s: %w", ref.Hash(), err)
	}
	return c, nil
}

func (r *Repo) isShallow() bool {
	s, err := r.repo.Storer.Shallow()
	return err == nil && len(s) > 0
}

const shallowHint = "use actions/checkout with fetch-depth: 0, or run git fetch --unshallow"

// resolveBase resolves the --base revision to a commit.
func (r *Repo) resolveBase(rev string) (*object.Commit, error) {
	c, err := r.resolveCommit(rev)
	if err == nil {
		return c, nil
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) && r.isShallow() {
		return nil, kindErr(ErrShallowClone, err, fmt.Sprintf(
			"--base %q: not in this clone because it is shallow; %s", rev, shallowHint))
	}
	if errors.Is(err, ErrUnknownRevision) {
		return nil, kindErr(ErrUnknownRevision, err, fmt.Sprintf(
			"--base %q: unknown revision; %s", rev, r.fetchHint(rev)))
	}
	return nil, fmt.Errorf("--base %q: %w", rev, err)
}

// resolveCommit resolves a revision to a commit. A revision that names no
// commit gives an error matching ErrUnknownRevision.
func (r *Repo) resolveCommit(rev string) (*object.Commit, error) {
	if strings.TrimSpace(rev) == "" {
		return nil, ErrUnknownRevision
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	switch {
	case err == nil:
	case errors.Is(err, plumbing.ErrReferenceNotFound), errors.Is(err, io.EOF):
		// io.EOF: HEAD~n went past the root commit.
		return nil, ErrUnknownRevision
	case errors.Is(err, plumbing.ErrObjectNotFound):
		return nil, err
	default:
		// Revision syntax go-git does not parse (a..b, @{u}, ...).
		return nil, fmt.Errorf("%w (%v)", ErrUnknownRevision, err)
	}
	c, err := r.repo.CommitObject(*h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	return c, nil
}

// fetchHint tells how to make an unknown revision known.
func (r *Repo) fetchHint(rev string) string {
	var remotes []string
	if rs, err := r.repo.Remotes(); err == nil {
		for _, rm := range rs {
			remotes = append(remotes, rm.Config().Name)
		}
	}
	slices.Sort(remotes)
	if strings.ContainsAny(rev, "~^@:{} ") {
		return "check the revision, or fetch more history and pass a commit SHA"
	}
	for _, name := range remotes {
		if branch, ok := strings.CutPrefix(rev, name+"/"); ok && branch != "" {
			return fmt.Sprintf("fetch it first (git fetch %s %s) or pass a commit SHA", name, branch)
		}
	}
	remote := ""
	if slices.Contains(remotes, "origin") {
		remote = "origin"
	} else if len(remotes) > 0 {
		remote = remotes[0]
	}
	if remote == "" {
		return "check the name, or pass a commit SHA"
	}
	return fmt.Sprintf("fetch it first (git fetch %s %s) or pass a commit SHA", remote, rev)
}

// mergeBase returns the best common ancestor of base and head. With
// several (criss-cross merges) the newest wins, ties broken by hash.
func (r *Repo) mergeBase(rev string, base, head *object.Commit) (*object.Commit, error) {
	if base.Hash == head.Hash {
		return head, nil
	}
	prefix := fmt.Sprintf("cannot find the merge base of %s and HEAD: ", rev)
	mbs, err := base.MergeBase(head)
	if err != nil {
		if r.isShallow() && errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, kindErr(ErrShallowClone, err, prefix+"the clone is shallow; "+shallowHint)
		}
		return nil, fmt.Errorf("%s%w", prefix, err)
	}
	if len(mbs) == 0 {
		if r.isShallow() {
			return nil, kindErr(ErrShallowClone, nil, prefix+"the clone is shallow; "+shallowHint)
		}
		return nil, kindErr(ErrNoCommonAncestor, nil, fmt.Sprintf(
			"%s%s and HEAD have no common ancestor; pass a --base that shares history with HEAD", prefix, rev))
	}
	slices.SortFunc(mbs, func(a, b *object.Commit) int {
		if c := b.Committer.When.Compare(a.Committer.When); c != 0 {
			return c
		}
		return strings.Compare(a.Hash.String(), b.Hash.String())
	})
	return mbs[0], nil
}

// fileState is a path's content on one side of a diff.
type fileState struct {
	present bool
	hash    plumbing.Hash // zero: in the work tree and not hashed yet
	mode    filemode.FileMode
	disk    bool // the content is read from the work tree, not the object store
}

func treeState(e object.TreeEntry) fileState {
	return fileState{present: true, hash: e.Hash, mode: e.Mode}
}

func isLink(m filemode.FileMode) bool { return m == filemode.Symlink }

// treeFiles lists every non-directory entry of a tree by slash path. It
// reads tree objects only, never blobs.
func (r *Repo) treeFiles(tree plumbing.Hash) (map[string]fileState, error) {
	files := make(map[string]fileState, 1024)
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		t, err := object.GetTree(r.repo.Storer, h)
		if err != nil {
			if prefix == "" {
				return err
			}
			return fmt.Errorf("tree %s (%s): %w", strings.TrimSuffix(prefix, "/"), h, err)
		}
		for _, e := range t.Entries {
			if e.Mode == filemode.Dir {
				if err := walk(e.Hash, prefix+e.Name+"/"); err != nil {
					return err
				}
				continue
			}
			files[prefix+e.Name] = treeState(e)
		}
		return nil
	}
	return files, walk(tree, "")
}
