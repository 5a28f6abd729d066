using System.Runtime.InteropServices;

namespace Sweep.Campaigns;

/// <summary>
/// What a path is, without following a symbolic link: .NET's file API does not tell a regular file from a device or a
/// FIFO on Unix, so this asks the runtime's own native shim (lstat). Used to refuse writing to, or reading from,
/// anything but a regular file.
/// </summary>
public static class FileKind
{
    public enum Kind { Missing, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Socket, Other }

    public static Kind Of(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            // SystemNative_LStat fills a FileStatus whose second int32 is the mode in PAL form (S_IFMT bits as in POSIX).
            var status = new byte[512];
            if (LStat(path, status) != 0) return Kind.Missing;
            int mode = BitConverter.ToInt32(status, 4) & 0xF000;
            return mode switch
            {
                0x8000 => Kind.Regular,
                0x4000 => Kind.Directory,
                0xA000 => Kind.SymbolicLink,
                0x2000 => Kind.CharacterDevice,
                0x6000 => Kind.BlockDevice,
                0x1000 => Kind.Fifo,
                0xC000 => Kind.Socket,
                _ => Kind.Other,
            };
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return Kind.SymbolicLink;
        if (Directory.Exists(path)) return Kind.Directory;
        return info.Exists ? Kind.Regular : Kind.Missing;
    }

    public static string Describe(Kind kind) => kind switch
    {
        Kind.Directory => "a folder",
        Kind.SymbolicLink => "a symbolic link",
        Kind.CharacterDevice or Kind.BlockDevice => "a device",
        Kind.Fifo => "a FIFO (named pipe)",
        Kind.Socket => "a socket",
        Kind.Regular => "a regular file",
        _ => "not a regular file",
    };

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat")]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
