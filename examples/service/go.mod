module example.com/service

go 1.22

require (
	github.com/segmentio/kafka-go v0.0.0
	google.golang.org/grpc v0.0.0
)

// Small local stand-ins for the third-party APIs, so the example builds offline.
replace (
	github.com/segmentio/kafka-go => ../../golden/_modules/kafka-go
	google.golang.org/grpc => ../../golden/_modules/grpc
)
