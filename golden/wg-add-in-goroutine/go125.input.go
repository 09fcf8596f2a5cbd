// gofix-test: go=1.25
package p

import "sync"

// With go >= 1.25 the message also offers wg.Go, when the literal fits it.
func fits(jobs []func()) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		go func() {
			wg.Add(1) // want "wg.Go\\(func\\(\\) \\{ ... \\}\\) does the Add and the Done"
			defer wg.Done()
			job()
		}()
	}
	wg.Wait()
}

// Not with parameters, nor without a deferred Done.
func params(jobs []func()) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		go func(j func()) {
			wg.Add(1) // want "^[^G]*call Add before the go statement$"
			defer wg.Done()
			j()
		}(job)
	}
	wg.Wait()
}
