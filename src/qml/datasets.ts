/**
 * Named loaders for the real data sets shipped in data/ (see data/README.md for provenance and
 * terms), and the generic CSV loader for any other file. Each named loader knows its format and
 * its traps: columns that leak the label are dropped and said so in `notes`.
 *
 * @example
 * import { loadDataset } from 'qml6g';
 * const d = loadDataset('nsl-kdd');          // KDDTrain+_20Percent, binary normal/attack
 * d.table.rows;                              // 25192
 * const t = loadDataset('nsl-kdd-test');     // KDDTest+ (the hard split)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QmlError } from '../core/errors.js';
import { parseCsv, readDataFile, tableFromCsv, type LabeledData, type TableOptions } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The data/ folder of the installed package. */
export const dataDir = path.resolve(here, '..', '..', 'data');

export const NSL_KDD_COLUMNS = [
  'duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'dst_bytes', 'land', 'wrong_fragment', 'urgent', 'hot',
  'num_failed_logins', 'logged_in', 'num_compromised', 'root_shell', 'su_attempted', 'num_root', 'num_file_creations',
  'num_shells', 'num_access_files', 'num_outbound_cmds', 'is_host_login', 'is_guest_login', 'count', 'srv_count',
  'serror_rate', 'srv_serror_rate', 'rerror_rate', 'srv_rerror_rate', 'same_srv_rate', 'diff_srv_rate',
  'srv_diff_host_rate', 'dst_host_count', 'dst_host_srv_count', 'dst_host_same_srv_rate', 'dst_host_diff_srv_rate',
  'dst_host_same_src_port_rate', 'dst_host_srv_diff_host_rate', 'dst_host_serror_rate', 'dst_host_srv_serror_rate',
  'dst_host_rerror_rate', 'dst_host_srv_rerror_rate', 'label', 'difficulty',
];

/**
 * The usual grouping of NSL-KDD attack names into four categories (Tavallaee et al. 2009 and the
 * KDD'99 task description); httptunnel and worm are filed differently by some authors (U2R, DoS).
 */
const NSL_KDD_CATEGORY: Record<string, string> = {};
for (const a of ['apache2', 'back', 'land', 'neptune', 'mailbomb', 'pod', 'processtable', 'smurf', 'teardrop', 'udpstorm', 'worm']) NSL_KDD_CATEGORY[a] = 'DoS';
for (const a of ['ipsweep', 'mscan', 'nmap', 'portsweep', 'saint', 'satan']) NSL_KDD_CATEGORY[a] = 'Probe';
for (const a of ['ftp_write', 'guess_passwd', 'httptunnel', 'imap', 'multihop', 'named', 'phf', 'sendmail', 'snmpgetattack', 'snmpguess', 'spy', 'warezclient', 'warezmaster', 'xlock', 'xsnoop']) NSL_KDD_CATEGORY[a] = 'R2L';
for (const a of ['buffer_overflow', 'loadmodule', 'perl', 'ps', 'rootkit', 'sqlattack', 'xterm']) NSL_KDD_CATEGORY[a] = 'U2R';

export type DataFormat = 'csv' | 'nsl-kdd' | 'nsl-kdd-5' | 'sklearn' | 'cicids2017' | 'cicids2017-binary' | '5g-jamming' | '5g-core';

export interface LoadOptions {
  label?: string;
  drop?: string[];
  maxRows?: number;
  seed?: number;
  /** How to read a file given by path (default: plain CSV with a header). */
  format?: DataFormat;
  /** 5G core IDS: keep the gtp.* and capture-artefact columns (they leak the label). */
  keepLeaky?: boolean;
}

interface Named { file: string; format: DataFormat; description: string }

const NAMED: Record<string, Named> = {
  'nsl-kdd': { file: 'nsl-kdd/KDDTrain+_20Percent.txt.gz', format: 'nsl-kdd', description: 'NSL-KDD KDDTrain+_20Percent, normal vs attack' },
  'nsl-kdd-test': { file: 'nsl-kdd/KDDTest+.txt.gz', format: 'nsl-kdd', description: 'NSL-KDD KDDTest+ (17 attack types unseen in training), normal vs attack' },
  'nsl-kdd-5': { file: 'nsl-kdd/KDDTrain+_20Percent.txt.gz', format: 'nsl-kdd-5', description: 'NSL-KDD KDDTrain+_20Percent, normal/DoS/Probe/R2L/U2R' },
  'nsl-kdd-5-test': { file: 'nsl-kdd/KDDTest+.txt.gz', format: 'nsl-kdd-5', description: 'NSL-KDD KDDTest+, normal/DoS/Probe/R2L/U2R' },
  cicids2017: { file: 'cicids2017/cicids2017_sample.csv.gz', format: 'cicids2017', description: 'CIC-IDS2017 (DistriNet labels), stratified sample, 16 classes' },
  'cicids2017-binary': { file: 'cicids2017/cicids2017_sample.csv.gz', format: 'cicids2017-binary', description: 'CIC-IDS2017 sample, benign vs attack' },
  '5g-jamming': { file: '5g-jamming-jdd/merged_data_preprocessed.csv.gz', format: '5g-jamming', description: '5G NR cell KPIs, jammer on/off (5G_JDD)' },
  '5g-core': { file: '5g-core-open5gs-ids/Train_subset_1.csv.gz', format: '5g-core', description: '5G core (Open5GS) packets, normal vs attack, Train_subset_1' },
  '5g-core-test': { file: '5g-core-open5gs-ids/Test_Data.csv.gz', format: '5g-core', description: '5G core (Open5GS) packets, Test_Data' },
  iris: { file: 'iris/iris.csv', format: 'sklearn', description: "Fisher's iris, 3 classes" },
  wine: { file: 'wine/wine_data.csv', format: 'sklearn', description: 'UCI wine, 3 classes' },
  'breast-cancer': { file: 'breast-cancer/breast_cancer.csv', format: 'sklearn', description: 'Breast Cancer Wisconsin (diagnostic), malignant vs benign' },
  digits: { file: 'digits/digits.csv.gz', format: 'sklearn', description: '8x8 handwritten digits, 10 classes' },
};

export function datasetNames(): Array<{ name: string; description: string }> {
  return Object.entries(NAMED).map(([name, n]) => ({ name, description: n.description }));
}

export function isNamedDataset(name: string): boolean {
  return name in NAMED;
}

/** Loads a named data set or a CSV file by path. */
export function loadDataset(nameOrPath: string, opts: LoadOptions = {}): LabeledData {
  const named = NAMED[nameOrPath];
  const file = named ? path.join(dataDir, named.file) : nameOrPath;
  const format = named?.format ?? opts.format ?? 'csv';
  const shown = named ? nameOrPath : path.basename(nameOrPath);
  const text = readDataFile(file);
  const base: TableOptions = { maxRows: opts.maxRows, seed: opts.seed, name: shown, drop: opts.drop };
  switch (format) {
    case 'nsl-kdd':
    case 'nsl-kdd-5': {
      const csv = parseCsv(text, shown, { header: NSL_KDD_COLUMNS });
      const five = format === 'nsl-kdd-5';
      const d = tableFromCsv(csv, {
        ...base, label: 'label', drop: ['difficulty', ...(opts.drop ?? [])], categorical: ['protocol_type', 'service', 'flag'],
        classOrder: ['normal', 'attack', 'DoS', 'Probe', 'R2L', 'U2R'],
        labelMap: (l) => {
          if (l === 'normal') return 'normal';
          if (!five) return 'attack';
          const c = NSL_KDD_CATEGORY[l];
          if (!c) throw new QmlError(`unknown NSL-KDD attack name "${l}"`, shown);
          return c;
        },
      });
      d.notes.push('dropped "difficulty" (a property of the benchmark, not of the traffic)');
      return d;
    }
    case 'sklearn': {
      // scikit-learn's CSVs start with "rows,features,class names..." (digits has no such line).
      const lines = text.split(/\r?\n/, 2).map((l) => l.trim().split(','));
      const hasHeader = lines[0].some((f) => f !== '' && !Number.isFinite(Number(f)));
      const names = hasHeader ? lines[0].slice(2) : [];
      const csv = parseCsv(text, shown, { header: false, skipLines: hasHeader ? 1 : 0 });
      const header = csv.header.map((_, j) => (j === csv.header.length - 1 ? 'target' : `x${j}`));
      return tableFromCsv({ ...csv, header }, { ...base, label: 'target', labelMap: (l) => names[Number(l)] ?? l });
    }
    case 'cicids2017':
    case 'cicids2017-binary': {
      const csv = parseCsv(text, shown);
      const ids = ['id', 'Flow ID', 'Src IP', 'Dst IP', 'Timestamp', 'Attempted Category'].filter((c) => csv.header.includes(c));
      const d = tableFromCsv(csv, {
        ...base, label: 'Label', drop: [...ids, ...(opts.drop ?? [])],
        labelMap: format === 'cicids2017-binary' ? (l) => (l === 'BENIGN' ? 'benign' : 'attack') : undefined,
        classOrder: ['benign', 'attack', 'BENIGN'],
      });
      d.notes.push(`dropped identifier columns: ${ids.join(', ')} (they identify attack hosts and times)`);
      return d;
    }
    case '5g-jamming': {
      const csv = parseCsv(text, shown);
      const leak = ['Jammer_Frequency', 'Jammer_Bandwith', 'Jammer_Power', 'Cell_ID'].filter((c) => csv.header.includes(c));
      const d = tableFromCsv(csv, { ...base, label: opts.label ?? 'Jammer_On', drop: [...leak, ...(opts.drop ?? [])], labelMap: (l) => (Number(l) === 1 ? 'jamming' : 'normal'), classOrder: ['normal', 'jamming'] });
      d.notes.push('dropped Jammer_Frequency, Jammer_Bandwith, Jammer_Power (they describe the jammer and leak the label) and the constant Cell_ID');
      return d;
    }
    case '5g-core': {
      const csv = parseCsv(text, shown);
      const leaky = opts.keepLeaky ? [] : csv.header.filter((c) => c.startsWith('gtp.') || c === 'frame.time_relative' || c === 'tcp.stream');
      const d = tableFromCsv(csv, { ...base, label: opts.label ?? 'label', drop: [...leaky, ...(opts.drop ?? [])], labelMap: (l) => (Number(l) === 1 ? 'attack' : 'normal'), classOrder: ['normal', 'attack'] });
      d.notes.push(opts.keepLeaky
        ? 'WARNING: kept the gtp.* columns, which separate the classes perfectly: accuracy will be ~100% and means nothing'
        : `dropped ${leaky.length} leaking columns (gtp.*, frame.time_relative, tcp.stream): each gtp.* field alone separates normal from attack`);
      return d;
    }
    case 'csv': {
      const csv = parseCsv(text, shown);
      return tableFromCsv(csv, { ...base, label: opts.label });
    }
    default:
      throw new QmlError(`unknown data format "${String(format)}"`, '--format');
  }
}
