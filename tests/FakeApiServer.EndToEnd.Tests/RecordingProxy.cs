using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// A loopback TCP proxy in front of the server that passes bytes through unchanged and notes, per connection, each
/// plain-HTTP/1.1 request line with its Content-Type and Accept headers, and when its response's status line comes
/// back. It tells a test when kubectl's watch request has been answered (the watch is open), and which media types
/// kubectl sent and asked for, without turning on kubectl's verbose logging (which writes to stderr). Request heads and
/// status lines are found by pattern in the byte stream; a false match would need a body holding a whole request head.
/// </summary>
public sealed partial class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _answered = [];
    private readonly List<SentRequest> _sent = [];
    private readonly List<Task> _tasks = [];
    private readonly Task _accepting;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RecordingProxy(Uri target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's URL, to put into a kubeconfig.</summary>
    public Uri Address { get; }

    /// <summary>Starts a proxy that forwards to <paramref name="target"/>.</summary>
    public static RecordingProxy Start(Uri target) => new(target);

    /// <summary>The request lines (e.g. "GET /api/v1/...?watch=true HTTP/1.1") whose response has begun.</summary>
    public IReadOnlyList<string> Answered
    {
        get
        {
            lock (_answered)
            {
                return [.. _answered];
            }
        }
    }

    /// <summary>Every request sent through the proxy, in order, with its Content-Type and Accept headers.</summary>
    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Waits until a request whose line contains <paramref name="fragment"/> has been answered.</summary>
    public async Task WaitForAnswerAsync(string fragment, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_answered)
            {
                if (_answered.Any(r => r.Contains(fragment, StringComparison.Ordinal)))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timer.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no answered request containing \"{fragment}\" within {timeout.TotalSeconds:0}s; answered:\n{string.Join('\n', Answered)}");
            }
        }
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks, _accepting];
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Connections cut by the stop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_tasks)
            {
                _tasks.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var pending = new Queue<string>();
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), RequestHead(), m =>
            {
                var line = m.Groups["line"].Value;
                lock (pending)
                {
                    pending.Enqueue(line);
                }

                lock (_sent)
                {
                    _sent.Add(new SentRequest(line, Header(m, "Content-Type"), Header(m, "Accept")));
                }
            }, cut.Token);
            var down = PumpAsync(server.GetStream(), client.GetStream(), StatusLine(), _ =>
            {
                string? request;
                lock (pending)
                {
                    pending.TryDequeue(out request);
                }

                if (request is not null)
                {
                    Record(request);
                }
            }, cut.Token);

            // When either side closes, close the other.
            await Task.WhenAny(up, down);
            await cut.CancelAsync();
            await Task.WhenAll(up.ContinueWith(_ => { }, TaskScheduler.Default), down.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection went away.
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, Regex pattern, Action<Match> found, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var tail = "";
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // Noted before forwarding, so a request is queued before its answer can come back.
            // Latin-1 maps bytes to chars one to one; a line split between two reads is found through the tail.
            var text = tail + Encoding.Latin1.GetString(buffer, 0, read);
            foreach (Match match in pattern.Matches(text))
            {
                if (match.Index + match.Length > tail.Length)
                {
                    found(match);
                }
            }

            tail = text.Length > 2048 ? text[^2048..] : text;
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await to.FlushAsync(cancellationToken);
        }
    }

    private void Record(string request)
    {
        TaskCompletionSource previous;
        lock (_answered)
        {
            _answered.Add(request);
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private static string? Header(Match head, string name)
    {
        foreach (var line in head.Groups["headers"].Value.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"(?<line>(?:GET|HEAD|POST|PUT|PATCH|DELETE) \S+ HTTP/1\.1)\r\n(?<headers>(?:[^\r\n]+\r\n)*)\r\n")]
    private static partial Regex RequestHead();

    [GeneratedRegex(@"HTTP/1\.1 \d{3}[^\r\n]*\r\n")]
    private static partial Regex StatusLine();
}

