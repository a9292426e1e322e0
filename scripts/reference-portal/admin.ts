import { QR_QUIET_ZONE_MODULES, qrMatrix } from '../../shared/dossier/vietqr';
import type { DossierRow, EnrolmentCodeRow } from './store';

/** TrangThaiHoSo codes of the national portal (domain/facts.md §4.2). */
export const TRANG_THAI_HO_SO: Readonly<Record<number, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

export interface Faults {
  /** Added to every request except /admin, in milliseconds. */
  latencyMs: number;
  /** Percentage (0–100) of requests answered 503 before they are handled. */
  errorRatePercent: number;
  /** 503 for everything but /admin. */
  down: boolean;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export interface AdminView {
  dossiers: DossierRow[];
  codes: EnrolmentCodeRow[];
  faults: Faults;
  heartbeats: Array<{ kioskId: string; at: string; report: unknown }>;
  notice?: string;
  /** A provisioning just made, to scan from the screen or save as a `.dvcsetup` file. */
  provisioning?: { text: string };
}

/** A QR code as inline SVG (the page allows no images): one square per dark module. */
function qrSvg(text: string): string {
  const { size, modules } = qrMatrix(text);
  const quiet = QR_QUIET_ZONE_MODULES;
  const squares = modules.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x + quiet} ${y + quiet}h1v1h-1z`] : []))).join('');
  const side = size + 2 * quiet;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side * 4}" height="${side * 4}" role="img" aria-label="Mã QR cài đặt"><rect width="${side}" height="${side}" fill="#fff"/><path d="${squares}" fill="#000"/></svg>`;
}

/** The tester's page: plain HTML forms, no script. */
export function renderAdmin(view: AdminView): string {
  const statusOptions = (current: number | null) =>
    Object.entries(TRANG_THAI_HO_SO)
      .map(([code, name]) => `<option value="${code}"${Number(code) === current ? ' selected' : ''}>${code} — ${escape(name)}</option>`)
      .join('');
  const dossierRows = view.dossiers
    .map((d) => {
      const meta = d.metadata;
      const text = (key: string) => (typeof meta[key] === 'string' ? escape(meta[key]) : '');
      const statusCell = d.maHoSo
        ? `<form method="post" action="/admin/status"><input type="hidden" name="uuid" value="${escape(d.uuid)}">
             <label>Trạng thái <select name="status">${statusOptions(d.status)}</select></label>
             <button type="submit">Cập nhật</button></form>`
        : 'Chưa nộp (mới thông báo)';
      const revision = d.revision > 0 ? ` (sửa lần ${d.revision})` : '';
      return `<tr><td><code>${escape(d.maHoSo ?? '—')}</code></td><td><code>${escape(d.uuid)}</code>${revision}</td>
        <td>${text('MaTTHC')} ${text('TenTTHC')}</td><td>${text('ChuHoSo')}</td>
        <td>${escape(d.submittedAt ?? d.receivedAt)}</td><td>${statusCell}</td></tr>`;
    })
    .join('\n');
  const codeRows = view.codes
    .map(
      (c) =>
        `<tr><td><code>${escape(c.code)}</code></td><td>${escape(c.commune.code)} — ${escape(c.commune.name)}</td>
         <td>${escape(c.expiresAt)}</td><td>${c.usedAt ? `Đã dùng (${escape(c.kioskId ?? '')})` : 'Chưa dùng'}</td></tr>`,
    )
    .join('\n');
  const heartbeatRows = view.heartbeats
    .map((h) => `<tr><td><code>${escape(h.kioskId)}</code></td><td>${escape(h.at)}</td><td><code>${escape(JSON.stringify(h.report))}</code></td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng dịch vụ công (giả lập) — Quản trị</title>
<style>body{font-family:sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .5rem;text-align:left}</style>
</head><body>
<h1>Cổng dịch vụ công tỉnh (giả lập để kiểm thử)</h1>
${view.notice ? `<p role="status"><strong>${escape(view.notice)}</strong></p>` : ''}
<h2>Hồ sơ đã nhận (${view.dossiers.length})</h2>
<table><thead><tr><th>Mã hồ sơ</th><th>UUID</th><th>Thủ tục</th><th>Chủ hồ sơ</th><th>Thời điểm</th><th>Trạng thái</th></tr></thead>
<tbody>${dossierRows || '<tr><td colspan="6">Chưa có hồ sơ.</td></tr>'}</tbody></table>
<h2>Mã đăng ký ki-ốt</h2>
<form method="post" action="/admin/enrolment-codes">
  <label>Mã xã <input name="communeCode" required value="22651"></label>
  <label>Tên xã <input name="communeName" required value="Xã Diên Khánh"></label>
  <label>Hiệu lực (phút) <input name="ttlMinutes" type="number" min="1" value="60"></label>
  <button type="submit">Tạo mã đăng ký</button>
</form>
<table><thead><tr><th>Mã</th><th>Xã</th><th>Hết hạn</th><th>Tình trạng</th></tr></thead><tbody>${codeRows}</tbody></table>
<h2>Mã cài đặt ki-ốt</h2>
<p>Cài đặt cho trình cài đặt của ki-ốt (cổng, xã, tên), ký bằng khóa thử của tỉnh. Không chứa bí mật: mã đăng ký vẫn nhập riêng.
Quét mã QR bằng máy quét của ki-ốt, hoặc lưu văn bản vào tệp <code>DVC-Kiosk/cai-dat/&lt;tên&gt;.dvcsetup</code> trên USB.</p>
<form method="post" action="/admin/provisioning">
  <label>Mã xã <input name="communeCode" required value="22651"></label>
  <label>Tên điểm hỗ trợ <input name="name"></label>
  <label>Hiệu lực (ngày) <input name="ttlDays" type="number" min="1" value="7"></label>
  <button type="submit">Tạo mã cài đặt</button>
</form>
${view.provisioning ? `<p>${qrSvg(view.provisioning.text)}</p><p><textarea readonly rows="4" cols="100" aria-label="Mã cài đặt">${escape(view.provisioning.text)}</textarea></p>` : ''}
<h2>Giả lập sự cố mạng</h2>
<form method="post" action="/admin/faults">
  <label>Độ trễ thêm (ms) <input name="latencyMs" type="number" min="0" value="${view.faults.latencyMs}"></label>
  <label>Tỉ lệ lỗi (%) <input name="errorRatePercent" type="number" min="0" max="100" value="${view.faults.errorRatePercent}"></label>
  <label><input name="down" type="checkbox" value="1"${view.faults.down ? ' checked' : ''}> Ngừng hoạt động (503)</label>
  <button type="submit">Áp dụng</button>
</form>
<h2>Tín hiệu ki-ốt gần nhất</h2>
<table><thead><tr><th>Ki-ốt</th><th>Lúc</th><th>Báo cáo</th></tr></thead><tbody>${heartbeatRows}</tbody></table>
</body></html>`;
}
