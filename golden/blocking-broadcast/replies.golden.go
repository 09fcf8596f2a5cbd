package p

// Reply channels made with a buffer, one per waiter, each sent to once: the loop cannot
// block. (A test file of the package makes an unbuffered one; test files are not part of
// the program this file runs in.)

type request struct {
	key   string
	reply chan error
}

func newRequest(key string) *request {
	ch := make(chan error, 1)
	return &request{key: key, reply: ch}
}

func answer(reqs []*request, err error) {
	for _, r := range reqs {
		r.reply <- err
	}
}

func answerAll(n int, err error) {
	replies := make([]chan error, n)
	for i := range replies {
		replies[i] = make(chan error, 1)
	}
	for _, ch := range replies {
		ch <- err
	}
}

// One waiter's channel is unbuffered: the loop can block on it.
type waiter struct{ done chan struct{} }

func newWaiters() []*waiter {
	return []*waiter{{done: make(chan struct{}, 1)}, {done: make(chan struct{})}}
}

func wake(ws []*waiter) {
	for _, w := range ws {
		w.done <- struct{}{} // want "blocking send to w.done in a loop over ws"
	}
}
