// Package commitq groups the commits that wait for a destination's one
// writer (group commit), for both loaders.
//
// Each Commit queues its item. If no other call is committing, it becomes
// the committer: it takes the writer's lock and commits groups of waiting
// items, oldest first, until its own item has been committed. The other
// calls wait for their item's group, and return as soon as that group is
// committed, without taking the writer's lock.
//
// The loader decides what a group is (pick) and how to commit it (commit);
// the results go into the items themselves, which are pointers.
package commitq
