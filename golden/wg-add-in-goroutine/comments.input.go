package p

import "sync"

// Comments around the Add, a go statement inside a select case, one-line literals.
func layout(jobs <-chan func(), quit <-chan struct{}) {
	var wg sync.WaitGroup // counts running jobs
	for {
		select {
		case job := <-jobs:
			// start the job
			go func() {
				// register first
				wg.Add(1) /* one job */ // want "wg.Add runs inside"
				// then work
				defer wg.Done()
				job()
			}()
		case <-quit:
			go func() { wg.Add(1); defer wg.Done(); println("bye") }() // want "wg.Add runs inside"

			go func() { wg.Add(1) }() // want "wg.Add runs inside"
			wg.Wait()
			return
		}
	}
}

// Trailing comments that gofmt aligns: moving the Add would need them realigned.
func aligned(work func()) {
	var wg sync.WaitGroup
	go func() { // worker
		wg.Add(1)       // want "trailing comments around it would need realigning"
		defer wg.Done() // release
		work()
	}()
	n := 0      // before
	go func() { // second worker
		wg.Add(1) // want "trailing comments around it would need realigning"
		defer wg.Done()
		n++
	}()
	wg.Wait()
}
