import type { ErrorCode } from '../errors';

/**
 * The source catalogue: Vietnamese first, plain words, one idea per sentence (citizens may be
 * elderly or new to computers). Keys are flat; `errors.<code>` must exist for every ErrorCode.
 */
export const vi = {
  'app.title': 'Điểm hỗ trợ dịch vụ công trực tuyến',
  'app.version': 'Phiên bản {{version}}',
  'lang.switch': 'English',
  'attract.touchToStart': 'Chạm để bắt đầu',
  'attract.subtitle': 'Làm thủ tục hành chính trực tuyến. Có người hỗ trợ bên cạnh nếu bạn cần.',
  'attract.helper': 'Dành cho cán bộ hỗ trợ',
  'nav.back': 'Quay lại',
  'nav.next': 'Tiếp tục',
  'nav.home': 'Về màn hình chính',
  'procedures.title': 'Bạn cần làm thủ tục nào?',
  'procedures.fee.free': 'Miễn phí',
  'procedures.fee.amount': 'Lệ phí {{amount}}',
  'question.progress': 'Câu hỏi {{current}} trên {{total}}',
  'question.phone.label': 'Số điện thoại của bạn',
  'question.phone.hint': 'Chúng tôi nhắn tin báo khi có kết quả. Ví dụ: 0912 345 678',
  'submit.button': 'Gửi hồ sơ',
  'submit.saving': 'Đang lưu hồ sơ…',
  'saved.title': 'Đã lưu hồ sơ',
  'saved.body': 'Hồ sơ của bạn đã được lưu an toàn trên máy này. Máy sẽ tự gửi khi có mạng.',
  'saved.reference': 'Mã hồ sơ trên máy: {{reference}}',
  'queue.title': 'Hồ sơ trên máy',
  'queue.empty': 'Chưa có hồ sơ nào.',
  'queue.count': 'Có {{count}} hồ sơ',
  'queue.createdAt': 'Lưu lúc {{time}}',
  'queue.status.queued': 'Đang chờ gửi',
  'portal.online': 'Đã kết nối cổng dịch vụ công',
  'portal.offline': 'Chưa có mạng. Hồ sơ vẫn được lưu và sẽ gửi sau.',
  'errors.host.badInput': 'Dữ liệu gửi đi không hợp lệ.',
  'errors.host.unknownMethod': 'Máy không hỗ trợ thao tác này.',
  'errors.host.unauthorized': 'Phiên làm việc không hợp lệ. Vui lòng khởi động lại máy.',
  'errors.host.forbiddenSender': 'Yêu cầu bị từ chối.',
  'errors.host.unreachable': 'Không liên lạc được với máy chủ của ki-ốt.',
  'errors.host.badReply': 'Máy trả lời không đúng định dạng.',
  'errors.host.internal': 'Có lỗi xảy ra. Vui lòng nhờ cán bộ hỗ trợ.',
  'errors.portal.unreachable': 'Không kết nối được cổng dịch vụ công.',
  'errors.portal.timeout': 'Cổng dịch vụ công trả lời quá lâu.',
  'errors.portal.badResponse': 'Cổng dịch vụ công trả lời không đúng. Có thể mạng cần đăng nhập.',
  'errors.config.invalid': 'Cấu hình máy không hợp lệ. Vui lòng gọi kỹ thuật viên.',
  'errors.queue.saveFailed': 'Chưa lưu được hồ sơ. Vui lòng thử lại hoặc nhờ cán bộ hỗ trợ.',
  'errors.form.required': 'Vui lòng trả lời câu hỏi này.',
  'errors.form.phoneInvalid': 'Số điện thoại gồm 10 chữ số và bắt đầu bằng số 0.',
} as const satisfies Record<`errors.${ErrorCode}`, string> & Record<string, string>;

export type MessageKey = keyof typeof vi;
