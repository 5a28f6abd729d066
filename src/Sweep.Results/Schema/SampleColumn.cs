using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Sweep.Results;

/// <summary>
/// One per-sample column and its codecs. The value kind follows from the property's type: integers, reals (NaN =
/// missing: an empty CSV cell, a Parquet null), text, and enums (written by their lower-case name, one byte in binary).
/// </summary>
public abstract class SampleColumn
{
    private protected SampleColumn(string name, int index, Type valueType)
    {
        Name = name;
        Index = index;
        ValueType = valueType;
    }

    /// <summary>The CSV header and Parquet field name.</summary>
    public string Name { get; }
    public int Index { get; }
    public Type ValueType { get; }
    /// <summary>When the column is in samples.csv (<see cref="CsvLayout"/>).</summary>
    public ColumnPresence Presence { get; internal set; }
    public abstract DataField ParquetField { get; }

    internal abstract void WriteBinary(BinaryWriter w, SampleRecord r);
    internal abstract void ReadBinary(BinaryReader r, SampleRecord target, Dictionary<string, string>? intern);
    internal abstract void WriteCsv(TextWriter w, SampleRecord r, Span<char> buffer);
    internal abstract void ParseCsv(string field, SampleRecord target);
    public abstract bool ValueEquals(SampleRecord a, SampleRecord b);
    internal abstract Task WriteParquetAsync(ParquetRowGroupWriter rg, IReadOnlyList<SampleRecord> rows);
    internal abstract Task ReadParquetAsync(ParquetRowGroupReader rg, SampleRecord[] targets);

    internal static SampleColumn For(PropertyInfo p, string name, int index)
    {
        var t = p.PropertyType;
        Type column = t == typeof(int) || t == typeof(long) ? typeof(IntegerColumn<>).MakeGenericType(t)
            : t == typeof(double) ? typeof(RealColumn)
            : t == typeof(string) ? typeof(TextColumn)
            : t.IsEnum ? typeof(EnumColumn<>).MakeGenericType(t)
            : throw new NotSupportedException($"SampleRecord.{p.Name}: columns of type {t.Name} have no codec");
        return (SampleColumn)Activator.CreateInstance(column, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance, null, [p, name, index], null)!;
    }
}

/// <summary>A column of values of type <typeparamref name="T"/>, read and written through the property's own accessors.</summary>
public abstract class SampleColumn<T> : SampleColumn
{
    private readonly Func<SampleRecord, T> _get;
    private readonly Action<SampleRecord, T> _set;

    private protected SampleColumn(PropertyInfo p, string name, int index) : base(name, index, typeof(T))
    {
        _get = p.GetMethod!.CreateDelegate<Func<SampleRecord, T>>();
        // The init accessor is an ordinary method: codecs fill a fresh record before anyone else sees it.
        _set = p.SetMethod!.CreateDelegate<Action<SampleRecord, T>>();
    }

    public T Get(SampleRecord r) => _get(r);
    private protected void Set(SampleRecord r, T value) => _set(r, value);
    public override bool ValueEquals(SampleRecord a, SampleRecord b) => EqualityComparer<T>.Default.Equals(_get(a), _get(b));
}

/// <summary>Integers (int, long): decimal text, little-endian binary of their own width, a required Parquet field.</summary>
internal sealed class IntegerColumn<TInt>(PropertyInfo p, string name, int index) : SampleColumn<TInt>(p, name, index)
    where TInt : struct, IBinaryInteger<TInt>
{
    private readonly DataField<TInt> _field = new(name);
    public override DataField ParquetField => _field;
    internal override void WriteBinary(BinaryWriter w, SampleRecord r)
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = Get(r).WriteLittleEndian(bytes);
        w.Write(bytes[..n]);
    }
    internal override void ReadBinary(BinaryReader r, SampleRecord target, Dictionary<string, string>? intern)
    {
        Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<TInt>()];
        r.BaseStream.ReadExactly(bytes);
        Set(target, TInt.ReadLittleEndian(bytes, isUnsigned: false));
    }
    internal override void WriteCsv(TextWriter w, SampleRecord r, Span<char> buffer)
    {
        Get(r).TryFormat(buffer, out int n, default, CultureInfo.InvariantCulture);
        w.Write(buffer[..n]);
    }
    internal override void ParseCsv(string field, SampleRecord target) => Set(target, TInt.Parse(field, NumberStyles.Integer, CultureInfo.InvariantCulture));
    internal override Task WriteParquetAsync(ParquetRowGroupWriter rg, IReadOnlyList<SampleRecord> rows) => rg.WriteAsync<TInt>(_field, rows.Select(Get).ToArray());
    internal override async Task ReadParquetAsync(ParquetRowGroupReader rg, SampleRecord[] targets)
    {
        var values = new TInt[targets.Length];
        await rg.ReadAsync<TInt>(_field, values);
        for (int i = 0; i < targets.Length; i++) Set(targets[i], values[i]);
    }
}

/// <summary>Reals: shortest round-trip text; NaN (missing) is an empty cell and a Parquet null; −0 is written as 0.</summary>
internal sealed class RealColumn(PropertyInfo p, string name, int index) : SampleColumn<double>(p, name, index)
{
    private readonly DataField<double?> _field = new(name);
    public override DataField ParquetField => _field;
    internal override void WriteBinary(BinaryWriter w, SampleRecord r) => w.Write(Get(r));
    internal override void ReadBinary(BinaryReader r, SampleRecord target, Dictionary<string, string>? intern) => Set(target, r.ReadDouble());
    internal override void WriteCsv(TextWriter w, SampleRecord r, Span<char> buffer)
    {
        double v = Get(r);
        if (double.IsNaN(v)) return;
        (v == 0 ? 0.0 : v).TryFormat(buffer, out int n, "R", CultureInfo.InvariantCulture);
        w.Write(buffer[..n]);
    }
    internal override void ParseCsv(string field, SampleRecord target) =>
        Set(target, field.Length == 0 ? double.NaN : double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture));
    internal override Task WriteParquetAsync(ParquetRowGroupWriter rg, IReadOnlyList<SampleRecord> rows) =>
        rg.WriteAsync<double>(_field, rows.Select(r => Get(r) is var v && double.IsNaN(v) ? (double?)null : v).ToArray());
    internal override async Task ReadParquetAsync(ParquetRowGroupReader rg, SampleRecord[] targets)
    {
        var values = new double?[targets.Length];
        await rg.ReadAsync<double>(_field, values);
        for (int i = 0; i < targets.Length; i++) Set(targets[i], values[i] ?? double.NaN);
    }
}

/// <summary>Text, quoted per RFC 4180 in the CSV when it holds a comma or a quote (labels such as {0,2}).</summary>
internal sealed class TextColumn(PropertyInfo p, string name, int index) : SampleColumn<string>(p, name, index)
{
    private readonly DataField<string> _field = new(name);
    public override DataField ParquetField => _field;
    internal override void WriteBinary(BinaryWriter w, SampleRecord r) => w.Write(Get(r));
    internal override void ReadBinary(BinaryReader r, SampleRecord target, Dictionary<string, string>? intern)
    {
        string s = r.ReadString();
        if (intern is not null)
        {
            if (intern.TryGetValue(s, out var known)) s = known;
            else intern[s] = s;
        }
        Set(target, s);
    }
    internal override void WriteCsv(TextWriter w, SampleRecord r, Span<char> buffer)
    {
        string s = Get(r);
        if (s.Contains('"')) w.Write("\"" + s.Replace("\"", "\"\"") + "\"");
        else if (s.Contains(',')) { w.Write('"'); w.Write(s); w.Write('"'); }
        else w.Write(s);
    }
    internal override void ParseCsv(string field, SampleRecord target) => Set(target, field);
    internal override Task WriteParquetAsync(ParquetRowGroupWriter rg, IReadOnlyList<SampleRecord> rows) => rg.WriteAsync(_field, rows.Select(Get).ToArray());
    internal override async Task ReadParquetAsync(ParquetRowGroupReader rg, SampleRecord[] targets)
    {
        var values = new string[targets.Length];
        await rg.ReadAsync(_field, values);
        for (int i = 0; i < targets.Length; i++) Set(targets[i], values[i] ?? "");
    }
}

/// <summary>Enums: the lower-case member name in text (CSV, Parquet), one byte in binary. Members must be 0..n−1.</summary>
internal sealed class EnumColumn<TEnum> : SampleColumn<TEnum> where TEnum : struct, Enum
{
    private readonly DataField<string> _field;
    private readonly string[] _names;
    private readonly Dictionary<string, TEnum> _byName;

    public EnumColumn(PropertyInfo p, string name, int index) : base(p, name, index)
    {
        if (Enum.GetUnderlyingType(typeof(TEnum)) != typeof(int)) throw new NotSupportedException($"{typeof(TEnum).Name}: enum columns must be int-based");
        var values = Enum.GetValues<TEnum>();
        _names = new string[values.Length];
        _byName = new(StringComparer.Ordinal);
        foreach (var v in values)
        {
            int i = ToInt(v);
            if (i < 0 || i >= values.Length || i > byte.MaxValue) throw new NotSupportedException($"{typeof(TEnum).Name}: enum columns need members numbered 0..n-1");
            _names[i] = Enum.GetName(v)!.ToLowerInvariant();
            _byName[_names[i]] = v;
        }
        _field = new(name);
    }

    public override DataField ParquetField => _field;
    private static int ToInt(TEnum v) => Unsafe.As<TEnum, int>(ref v);
    private static TEnum FromInt(int i) => Unsafe.As<int, TEnum>(ref i);
    public string NameOf(TEnum v) => _names[ToInt(v)];
    public TEnum Parse(string name) => _byName.TryGetValue(name, out var v) ? v : throw new FormatException($"column {Name}: unknown value '{name}'");

    internal override void WriteBinary(BinaryWriter w, SampleRecord r) => w.Write((byte)ToInt(Get(r)));
    internal override void ReadBinary(BinaryReader r, SampleRecord target, Dictionary<string, string>? intern)
    {
        int i = r.ReadByte();
        if (i >= _names.Length) throw new InvalidDataException($"column {Name}: unknown value {i}");
        Set(target, FromInt(i));
    }
    internal override void WriteCsv(TextWriter w, SampleRecord r, Span<char> buffer) => w.Write(NameOf(Get(r)));
    internal override void ParseCsv(string field, SampleRecord target) => Set(target, Parse(field));
    internal override Task WriteParquetAsync(ParquetRowGroupWriter rg, IReadOnlyList<SampleRecord> rows) => rg.WriteAsync(_field, rows.Select(r => NameOf(Get(r))).ToArray());
    internal override async Task ReadParquetAsync(ParquetRowGroupReader rg, SampleRecord[] targets)
    {
        var values = new string[targets.Length];
        await rg.ReadAsync(_field, values);
        for (int i = 0; i < targets.Length; i++) Set(targets[i], Parse(values[i]));
    }
}
