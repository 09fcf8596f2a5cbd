package p

import "sync"

// A struct that embeds sync.WaitGroup: w.Add is the WaitGroup's Add.
type workers struct {
	sync.WaitGroup
	size int
}

func (w *workers) run(work func(int)) {
	for i := range w.size {
		go func() {
			w.Add(1) // want "w.Add runs inside"
			defer w.Done()
			work(i)
		}()
	}
	w.Wait()
}

// A struct that embeds it but declares its own Add: not the WaitGroup's.
type budget struct {
	sync.WaitGroup
	spent int
}

func (b *budget) Add(n int) { b.spent += n }

func (b *budget) charge(work func()) {
	go func() {
		b.Add(1)
		work()
	}()
}
