package main

import (
	"context"
	"errors"
	"io"
	"net"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// frame is a message forwarded without being decoded.
type frame struct{ payload []byte }

// codec passes frames through as they are and (un)marshals everything else as protobuf, so
// one server can forward unknown methods raw and serve its own methods typed. Its name is
// "proto", so the content type on the wire is the usual one.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if f, ok := v.(*frame); ok {
		return f.payload, nil
	}
	return proto.Marshal(v.(proto.Message))
}

func (codec) Unmarshal(data []byte, v any) error {
	if f, ok := v.(*frame); ok {
		f.payload = append([]byte(nil), data...)
		return nil
	}
	return proto.Unmarshal(data, v.(proto.Message))
}

func (codec) Name() string { return "proto" }

// generator serves the three code generation methods; the rest of LanguageRuntime is not
// registered, so it reaches the unknown-method handler that forwards it to the child.
type generator interface {
	GenerateProgram(context.Context, *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error)
	GenerateProject(context.Context, *pulumirpc.GenerateProjectRequest) (*pulumirpc.GenerateProjectResponse, error)
	GeneratePackage(context.Context, *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error)
}

func unaryMethod[Req any, Res any](name string, call func(generator, context.Context, *Req) (*Res, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv any, ctx context.Context, decode func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			request := new(Req)
			if err := decode(request); err != nil {
				return nil, err
			}
			return call(srv.(generator), ctx, request)
		},
	}
}

var generatorService = grpc.ServiceDesc{
	ServiceName: "pulumirpc.LanguageRuntime",
	HandlerType: (*generator)(nil),
	Methods: []grpc.MethodDesc{
		unaryMethod("GenerateProgram", generator.GenerateProgram),
		unaryMethod("GenerateProject", generator.GenerateProject),
		unaryMethod("GeneratePackage", generator.GeneratePackage),
	},
	Metadata: "pulumi/language.proto",
}

func serve(child *grpc.ClientConn) (*grpc.Server, int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	server := grpc.NewServer(
		grpc.ForceServerCodec(codec{}),
		grpc.MaxRecvMsgSize(maxMessage),
		grpc.MaxSendMsgSize(maxMessage),
		grpc.UnknownServiceHandler(forwardTo(child)),
	)
	server.RegisterService(&generatorService, &codegenHost{})
	go func() { _ = server.Serve(listener) }()
	return server, listener.Addr().(*net.TCPAddr).Port, nil
}

// Headers gRPC sets itself on every call; forwarding them would duplicate them.
var ownHeaders = []string{":authority", "content-type", "user-agent", "grpc-accept-encoding", "grpc-timeout"}

// forwardTo relays any call, unary or streaming, to the child unchanged: messages, headers,
// trailers and the final status.
func forwardTo(child *grpc.ClientConn) grpc.StreamHandler {
	return func(_ any, incoming grpc.ServerStream) error {
		method, ok := grpc.MethodFromServerStream(incoming)
		if !ok {
			return errors.New("no method name on the stream")
		}
		ctx, cancel := context.WithCancel(incoming.Context())
		defer cancel()
		md, _ := metadata.FromIncomingContext(ctx)
		md = md.Copy()
		for _, key := range ownHeaders {
			md.Delete(key)
		}
		outgoing, err := child.NewStream(metadata.NewOutgoingContext(ctx, md),
			&grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method, grpc.ForceCodec(codec{}))
		if err != nil {
			return err
		}
		go func() {
			for {
				message := &frame{}
				if err := incoming.RecvMsg(message); err != nil {
					if errors.Is(err, io.EOF) {
						_ = outgoing.CloseSend()
					} else {
						cancel()
					}
					return
				}
				if err := outgoing.SendMsg(message); err != nil {
					return
				}
			}
		}()
		for first := true; ; first = false {
			message := &frame{}
			err := outgoing.RecvMsg(message)
			if first {
				if header, headerErr := outgoing.Header(); headerErr == nil {
					_ = incoming.SendHeader(header)
				}
			}
			if err != nil {
				incoming.SetTrailer(outgoing.Trailer())
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			if err := incoming.SendMsg(message); err != nil {
				return err
			}
		}
	}
}
