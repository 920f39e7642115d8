using Microsoft.Extensions.Logging;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// --audit-log-path: each event one JSON line, written before <see cref="Process"/> returns (upstream's log backend in
/// its default blocking mode), to a <see cref="RotatingLogFile"/> or, for "-", to standard output.
/// </summary>
internal sealed partial class AuditLogBackend : IAuditBackend
{
    private readonly Lock _lock = new();
    private readonly RotatingLogFile? _file;
    private readonly Stream? _stream;
    private readonly ILogger _logger;

    private AuditLogBackend(RotatingLogFile? file, Stream? stream, ILogger logger)
    {
        _file = file;
        _stream = stream;
        _logger = logger;
    }

    public bool IsBlocking => true;

    /// <summary>The backend of the --audit-log-* flags.</summary>
    public static AuditLogBackend Create(AuditOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.LogPath ?? throw new ArgumentException("no --audit-log-path", nameof(options));
        return path == "-"
            ? new AuditLogBackend(null, Console.OpenStandardOutput(), logger)
            : new AuditLogBackend(new RotatingLogFile(path, options.LogMaxSize * RotatingLogFile.Megabyte, options.LogMaxBackup, TimeSpan.FromDays(options.LogMaxAge), time), null, logger);
    }

    /// <summary>A backend writing to <paramref name="file"/> (tests drive its size and clock).</summary>
    public static AuditLogBackend ForFile(RotatingLogFile file, ILogger logger) => new(file, null, logger);

    public bool Process(byte[] auditEvent)
    {
        var line = new byte[auditEvent.Length + 1];
        auditEvent.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        try
        {
            lock (_lock)
            {
                if (_file is not null)
                {
                    _file.Write(line);
                }
                else
                {
                    _stream!.Write(line);
                    _stream.Flush();
                }
            }

            return true;
        }
        catch (IOException e)
        {
            Log.WriteFailed(_logger, e.Message);
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _stream?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1900, Level = LogLevel.Error, Message = "Error in audit plugin 'log' affecting 1 audit events: {Error}")]
        public static partial void WriteFailed(ILogger logger, string error);
    }
}
