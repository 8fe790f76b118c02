//! The demo site: original Vietnamese content for a fictional city portal, shaped like a
//! real article page (lead, captioned photos, bylines, source), plus articles the public must
//! never see (a draft, one in review, a scheduled one, an archived one and one in the trash).

use std::collections::HashMap;

use anyhow::Context;
use bantin_entity::{article, author, category, site, social_link, tag};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

use super::{
    images,
    writer::{Catalog, NewArticle, NewMedia, insert_articles, insert_media, next_id, sync_sequences},
};
use crate::{
    domain::{blocks::Block, slug::Slug, text::nfc},
    read_model::{Byline, Source, TagRef},
    services::categories::CategoryTree,
    state::Media,
};

const CATEGORIES: &[(&str, &str, Option<&str>, &str)] = &[
    ("thoi-su", "Thời sự", None, "Tin tức thời sự trong ngày của thành phố."),
    ("chinh-tri", "Chính trị", Some("thoi-su"), "Hoạt động của các cơ quan Đảng, chính quyền."),
    ("do-thi", "Đô thị", Some("thoi-su"), "Quy hoạch, giao thông và diện mạo phố phường."),
    ("kinh-te", "Kinh tế", None, "Sản xuất, kinh doanh và thị trường."),
    ("doanh-nghiep", "Doanh nghiệp", Some("kinh-te"), "Câu chuyện của doanh nghiệp địa phương."),
    ("cang-bien", "Cảng biển", Some("kinh-te"), "Hàng hải, logistics và kinh tế biển."),
    ("van-hoa", "Văn hóa", None, "Lễ hội, di sản và đời sống tinh thần."),
    ("du-lich", "Du lịch", Some("van-hoa"), "Điểm đến và mùa du lịch."),
    ("xa-hoi", "Xã hội", None, "Đời sống dân sinh."),
    ("giao-duc", "Giáo dục", Some("xa-hoi"), "Trường lớp, thi cử và học sinh."),
    ("y-te", "Y tế", Some("xa-hoi"), "Sức khỏe cộng đồng và bệnh viện."),
    ("the-thao", "Thể thao", None, "Bóng đá và phong trào thể thao."),
];

/// (name, position at the newsroom, bio, avatar photo index)
const AUTHORS: &[(&str, &str, &str, usize)] = &[
    ("Phạm Minh Khôi", "Phóng viên", "Theo dõi mảng chính trị và xây dựng Đảng.", 26),
    ("Nguyễn Thu Hà", "Biên tập viên", "Phụ trách chuyên mục kinh tế.", 27),
    ("Trần Đức Anh", "Phóng viên ảnh", "Chụp ảnh thời sự và đời sống đô thị.", 28),
    ("Đào Thị Lan", "Phóng viên", "Viết về giáo dục, y tế và văn hóa.", 29),
    ("Lê Bảo Ngọc", "Cộng tác viên", "Cộng tác viên mảng du lịch.", 30),
];

const TAGS: &[&str] = &[
    "Lê Chân",
    "Ngô Quyền",
    "Hồng Bàng",
    "Nghị quyết",
    "Tổ chức đảng",
    "Doanh nghiệp",
    "Giao thông",
    "Cảng biển",
    "Lễ hội",
    "Học sinh",
    "Bệnh viện",
    "Bóng đá",
    "Hoa phượng",
    "Du lịch biển",
    "Chuyển đổi số",
    "Tin nội bộ",
];

/// (alt, caption, credit); indices 26..=30 are the authors' portraits.
const PHOTOS: &[(&str, &str, &str)] = &[
    ("Phòng họp Quận ủy", "Toàn cảnh buổi làm việc của Đoàn kiểm tra với Quận ủy Lê Chân.", "Trần Đức Anh"),
    ("Hội trường buổi làm việc", "Quang cảnh buổi làm việc.", "Trần Đức Anh"),
    ("Lãnh đạo quận báo cáo", "Lãnh đạo Quận ủy Lê Chân báo cáo kết quả thực hiện nghị quyết.", "Trần Đức Anh"),
    ("Trưởng đoàn phát biểu", "Trưởng Đoàn kiểm tra phát biểu kết luận buổi làm việc.", "Trần Đức Anh"),
    ("Tuyến đường ven sông", "Tuyến đường ven sông Lạch Tray sau khi mở rộng.", "Trần Đức Anh"),
    ("Công nhân thi công", "Công nhân thi công lớp mặt đường mới.", "Trần Đức Anh"),
    ("Phố đi bộ", "Một góc phố vừa được chỉnh trang tại quận Ngô Quyền.", "Phạm Minh Khôi"),
    ("Xưởng may", "Xưởng sản xuất của một doanh nghiệp nhỏ tại Hồng Bàng.", "Nguyễn Thu Hà"),
    ("Nhân viên dùng máy tính bảng", "Nhân viên kiểm kho bằng máy tính bảng.", "Nguyễn Thu Hà"),
    ("Cần cẩu tại cảng", "Cần cẩu bốc dỡ container tại bến cảng.", "Trần Đức Anh"),
    ("Tàu container cập bến", "Tàu container cập bến trong đêm.", "Trần Đức Anh"),
    ("Hoa phượng đỏ", "Hoa phượng nở đỏ trên phố Trần Phú.", "Lê Bảo Ngọc"),
    ("Du khách chụp ảnh", "Du khách chụp ảnh dưới tán phượng.", "Lê Bảo Ngọc"),
    ("Đám rước", "Đoàn rước trong ngày hội làng biển.", "Đào Thị Lan"),
    ("Thí sinh vào phòng thi", "Thí sinh vào phòng thi tuyển sinh lớp 10.", "Đào Thị Lan"),
    ("Khoa cấp cứu", "Khu điều trị của khoa cấp cứu mới.", "Đào Thị Lan"),
    ("Cầu thủ ăn mừng", "Các cầu thủ ăn mừng bàn thắng.", "Trần Đức Anh"),
    ("Hội nghị", "Các đại biểu dự hội nghị triển khai nghị quyết.", "Phạm Minh Khôi"),
    ("Thư viện buổi tối", "Bạn đọc tại thư viện cộng đồng vào buổi tối.", "Đào Thị Lan"),
    ("Kho hàng", "Kho hàng quanh khu công nghiệp.", "Nguyễn Thu Hà"),
    ("Khán đài", "Khán đài sân vận động kín chỗ.", "Trần Đức Anh"),
    ("Bờ biển", "Bãi biển vào sáng sớm.", "Lê Bảo Ngọc"),
    ("Lớp học", "Giờ ôn tập của học sinh lớp 9.", "Đào Thị Lan"),
    ("Sơ đồ phân luồng", "Sơ đồ phân luồng dự kiến (chưa công bố).", "Phạm Minh Khôi"),
    ("Bến phà", "Bến phà (ảnh đăng nhầm).", "Trần Đức Anh"),
    ("Trẻ em tiêm chủng", "Trẻ được tiêm chủng tại trạm y tế phường (chưa duyệt).", "Đào Thị Lan"),
    ("Chân dung Phạm Minh Khôi", "Phóng viên Phạm Minh Khôi.", "Bản tin"),
    ("Chân dung Nguyễn Thu Hà", "Biên tập viên Nguyễn Thu Hà.", "Bản tin"),
    ("Chân dung Trần Đức Anh", "Phóng viên ảnh Trần Đức Anh.", "Bản tin"),
    ("Chân dung Đào Thị Lan", "Phóng viên Đào Thị Lan.", "Bản tin"),
    ("Chân dung Lê Bảo Ngọc", "Cộng tác viên Lê Bảo Ngọc.", "Bản tin"),
];

/// A body part: text, or a photo with an optional caption override.
enum Part {
    P(&'static str),
    Img(usize, Option<&'static str>),
    Quote(&'static str, &'static str),
}
use Part::{Img, P, Quote};

enum When {
    /// Local time in Hải Phòng, "YYYY-MM-DD HH:MM".
    At(&'static str),
    /// Days from now (scheduled articles).
    InDays(i64),
    Never,
}

struct Demo {
    title: &'static str,
    summary: &'static str,
    category: &'static str,
    /// (author index, role)
    authors: &'static [(usize, &'static str)],
    tags: &'static [usize],
    cover: usize,
    body: &'static [Part],
    source: Option<(&'static str, Option<&'static str>)>,
    status: &'static str,
    when: When,
    deleted: bool,
}

const ARTICLES: &[Demo] = &[
    Demo {
        title: "Đoàn kiểm tra của Thành ủy làm việc với Quận ủy Lê Chân về phát triển tổ chức đảng trong doanh nghiệp",
        summary: "Chiều 20/9, Đoàn kiểm tra của Thành ủy do Trưởng Ban Tổ chức Thành ủy làm trưởng đoàn đã làm việc với Ban Thường vụ Quận ủy Lê Chân về kết quả xây dựng tổ chức đảng, đoàn thể trong các doanh nghiệp ngoài nhà nước trên địa bàn.",
        category: "chinh-tri",
        authors: &[(0, "writer"), (2, "photographer")],
        tags: &[0, 3, 4, 5],
        cover: 0,
        body: &[
            P(
                "Theo báo cáo của Quận ủy, hai năm qua quận đã chọn cách làm từ cơ sở: cán bộ phường trực tiếp gặp chủ doanh nghiệp, giới thiệu lợi ích của việc có tổ chức đảng và công đoàn, rồi hướng dẫn từng bước thủ tục thành lập. Nhờ vậy, nhiều doanh nghiệp đã chủ động gửi đơn đề nghị.",
            ),
            P(
                "Đến nay, quận đã thành lập thêm 11 tổ chức cơ sở đảng, 23 công đoàn cơ sở và 9 chi đoàn thanh niên trong khu vực kinh tế tư nhân. Quận mở 6 lớp bồi dưỡng nhận thức về Đảng cho gần 650 quần chúng ưu tú.",
            ),
            Img(1, None),
            Img(2, Some("Bí thư Quận ủy Lê Chân trình bày báo cáo tại buổi làm việc.")),
            P(
                "Bên cạnh kết quả đạt được, báo cáo cũng chỉ ra những vướng mắc: nhiều doanh nghiệp nhỏ chưa có đảng viên, người lao động chủ yếu làm theo hợp đồng ngắn hạn và thường xuyên thay đổi chỗ làm, nên việc duy trì sinh hoạt chi bộ còn khó khăn.",
            ),
            Img(3, None),
            P(
                "Kết luận buổi làm việc, Trưởng Đoàn kiểm tra ghi nhận sự chuẩn bị chu đáo của Quận ủy và đánh giá cao các cách làm sáng tạo trong tuyên truyền. Đồng chí đề nghị quận tiếp tục rà soát nguồn kết nạp, xây dựng quy trình sinh hoạt chi bộ phù hợp với đặc thù từng doanh nghiệp và kịp thời biểu dương các mô hình tốt.",
            ),
            P(
                "Các kiến nghị của quận sẽ được Đoàn kiểm tra tổng hợp, báo cáo Ban Chỉ đạo của Thành ủy trong thời gian tới.",
            ),
        ],
        source: Some(("Ban Tổ chức Thành ủy", None)),
        status: "published",
        when: When::At("2022-09-20 13:00"),
        deleted: false,
    },
    Demo {
        title: "Mở rộng tuyến đường ven sông Lạch Tray, giảm ùn tắc giờ cao điểm",
        summary: "Sau tám tháng thi công, tuyến đường ven sông Lạch Tray được mở rộng lên bốn làn xe, giúp giảm đáng kể tình trạng ùn tắc vào giờ tan tầm.",
        category: "do-thi",
        authors: &[(0, "writer"), (2, "photographer")],
        tags: &[0, 6],
        cover: 4,
        body: &[
            P(
                "Tuyến đường dài gần 3 km nối khu dân cư phía nam với trung tâm thành phố. Trước đây, vào giờ cao điểm, người dân thường mất gần nửa giờ để đi hết đoạn đường này.",
            ),
            Img(5, None),
            P(
                "Ban quản lý dự án cho biết phần vỉa hè, cây xanh và hệ thống chiếu sáng sẽ hoàn thiện trước Tết. Lực lượng cảnh sát giao thông bố trí thêm người hướng dẫn tại các nút giao trong tuần đầu thông xe.",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-11-24 07:30"),
        deleted: false,
    },
    Demo {
        title: "Quận Ngô Quyền chỉnh trang 12 tuyến phố trước mùa lễ hội",
        summary: "Vỉa hè lát đá, dây điện được hạ ngầm và đèn trang trí mới sẽ xuất hiện trên 12 tuyến phố của quận Ngô Quyền trước dịp cuối năm.",
        category: "do-thi",
        authors: &[(3, "writer")],
        tags: &[1, 8],
        cover: 6,
        body: &[
            P(
                "Quận ưu tiên những tuyến phố có mật độ người đi bộ cao, gần chợ và trường học. Việc thi công được chia thành từng đoạn ngắn để hạn chế ảnh hưởng tới việc buôn bán của các hộ kinh doanh.",
            ),
            Quote(
                "Chúng tôi mong người dân thông cảm trong vài tuần thi công để có những con phố sạch đẹp hơn.",
                "Đại diện UBND quận Ngô Quyền",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-11-20 09:15"),
        deleted: false,
    },
    Demo {
        title: "Doanh nghiệp nhỏ tại Hồng Bàng tăng tốc chuyển đổi số",
        summary: "Từ phần mềm kế toán đến quản lý kho bằng mã vạch, các doanh nghiệp nhỏ ở quận Hồng Bàng đang dần thay đổi cách làm việc để giảm chi phí.",
        category: "doanh-nghiep",
        authors: &[(1, "writer")],
        tags: &[2, 5, 14],
        cover: 7,
        body: &[
            P(
                "Một xưởng may với 40 công nhân cho biết chỉ sau sáu tháng dùng phần mềm quản lý đơn hàng, thời gian giao hàng đã rút ngắn gần một phần ba.",
            ),
            Img(8, None),
            P(
                "Hiệp hội doanh nghiệp quận đang phối hợp với các trường đại học mở lớp tập huấn miễn phí về chữ ký số và hóa đơn điện tử cho chủ cơ sở sản xuất.",
            ),
        ],
        source: Some(("Hiệp hội Doanh nghiệp quận Hồng Bàng", Some("https://hiephoi.example.vn"))),
        status: "published",
        when: When::At("2026-11-18 14:00"),
        deleted: false,
    },
    Demo {
        title: "Sản lượng hàng container qua cảng tăng 14% trong chín tháng",
        summary: "Các bến cảng của thành phố đón lượng hàng container tăng mạnh nhờ nhiều tuyến vận tải biển mới được mở.",
        category: "cang-bien",
        authors: &[(1, "writer"), (2, "photographer")],
        tags: &[7],
        cover: 9,
        body: &[
            P(
                "Theo số liệu của cơ quan quản lý hàng hải, chín tháng đầu năm, lượng hàng container thông qua cảng tăng 14% so với cùng kỳ. Hàng xuất khẩu chiếm hơn một nửa.",
            ),
            Img(10, None),
            P(
                "Các doanh nghiệp logistics cho rằng cần sớm hoàn thiện hạ tầng giao thông kết nối để tránh ùn ứ xe đầu kéo tại cổng cảng.",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-11-15 10:00"),
        deleted: false,
    },
    Demo {
        title: "Mùa hoa phượng đỏ kéo du khách về thành phố cảng",
        summary: "Những tuyến phố rợp sắc phượng đỏ đang trở thành điểm hẹn của du khách và người chụp ảnh trong mùa hè.",
        category: "du-lich",
        authors: &[(4, "writer")],
        tags: &[12, 13],
        cover: 11,
        body: &[
            P(
                "Hoa phượng là biểu tượng quen thuộc của thành phố. Mỗi sáng sớm, nhiều nhóm bạn trẻ mang theo áo dài, máy ảnh đến các con phố trung tâm để lưu lại khoảnh khắc.",
            ),
            Img(12, None),
            P(
                "Các công ty lữ hành đã thiết kế tuyến tham quan bằng xe điện qua những con đường nhiều phượng nhất, kết hợp thưởng thức ẩm thực địa phương.",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-11-12 06:45"),
        deleted: false,
    },
    Demo {
        title: "Lễ hội truyền thống làng biển được phục dựng sau nhiều năm gián đoạn",
        summary: "Người dân làng biển nô nức tham gia lễ rước và các trò chơi dân gian trong ngày hội được phục dựng.",
        category: "van-hoa",
        authors: &[(3, "writer")],
        tags: &[8],
        cover: 13,
        body: &[
            P(
                "Lễ hội gồm phần lễ tại đình làng và phần hội với đua thuyền, kéo co, thi nấu cơm. Các cụ cao niên đã cùng ban tổ chức khôi phục nghi thức theo trí nhớ và tư liệu còn lưu giữ.",
            ),
            P(
                "Chính quyền địa phương cho biết sẽ lập hồ sơ đề nghị công nhận lễ hội là di sản văn hóa phi vật thể cấp thành phố.",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-11-08 16:20"),
        deleted: false,
    },
    Demo {
        title: "Hơn 17.000 học sinh lớp 9 bước vào kỳ thi tuyển sinh lớp 10",
        summary: "Kỳ thi diễn ra trong hai ngày tại 58 điểm thi trên toàn thành phố, với ba môn bắt buộc là Ngữ văn, Toán và Ngoại ngữ.",
        category: "giao-duc",
        authors: &[(3, "writer")],
        tags: &[9],
        cover: 14,
        body: &[
            P(
                "Ngay từ 6 giờ sáng, phụ huynh đã đưa con đến điểm thi. Ngành giáo dục bố trí lực lượng y tế, công an tại từng điểm để bảo đảm an toàn.",
            ),
            Img(22, None),
            P(
                "Kết quả dự kiến được công bố sau hai tuần. Thí sinh có thể tra cứu điểm trên cổng thông tin của Sở Giáo dục và Đào tạo.",
            ),
        ],
        source: Some(("Sở Giáo dục và Đào tạo", None)),
        status: "published",
        when: When::At("2026-11-05 07:00"),
        deleted: false,
    },
    Demo {
        title: "Bệnh viện quận Lê Chân đưa vào hoạt động khoa cấp cứu mới",
        summary: "Khoa cấp cứu mới với 30 giường bệnh và khu hồi sức riêng giúp rút ngắn thời gian tiếp nhận người bệnh nặng.",
        category: "y-te",
        authors: &[(3, "writer"), (2, "photographer")],
        tags: &[0, 10],
        cover: 15,
        body: &[
            P(
                "Khoa được trang bị máy thở, hệ thống theo dõi trung tâm và phòng mổ cấp cứu. Bệnh viện cũng tuyển thêm 20 điều dưỡng để bảo đảm trực 24/24 giờ.",
            ),
            P("Lãnh đạo bệnh viện cho biết thời gian chờ tiếp nhận trung bình đã giảm từ 15 phút xuống dưới 5 phút."),
        ],
        source: None,
        status: "published",
        when: When::At("2026-10-30 11:00"),
        deleted: false,
    },
    Demo {
        title: "Đội bóng đá thành phố giành chiến thắng thuyết phục trên sân nhà",
        summary: "Trước sự cổ vũ của hơn 15.000 khán giả, đội bóng thành phố thắng 3-0 và vươn lên nhóm dẫn đầu bảng xếp hạng.",
        category: "the-thao",
        authors: &[(0, "writer"), (2, "photographer")],
        tags: &[11],
        cover: 16,
        body: &[
            P(
                "Bàn mở tỷ số đến từ một pha phối hợp đẹp ở phút thứ 12. Sang hiệp hai, đội chủ nhà ghi thêm hai bàn nhờ những tình huống cố định.",
            ),
            Img(20, None),
            P(
                "Huấn luyện viên trưởng dành lời khen cho tinh thần thi đấu của các cầu thủ trẻ và cảm ơn khán giả đã lấp kín khán đài.",
            ),
        ],
        source: None,
        status: "published",
        when: When::At("2026-10-26 21:10"),
        deleted: false,
    },
    Demo {
        title: "Hội nghị triển khai nghị quyết về phát triển kinh tế biển",
        summary: "Thành ủy tổ chức hội nghị quán triệt nghị quyết về phát triển bền vững kinh tế biển đến năm 2030 cho cán bộ chủ chốt.",
        category: "chinh-tri",
        authors: &[(0, "writer")],
        tags: &[3, 7],
        cover: 17,
        body: &[
            P(
                "Nghị quyết đặt mục tiêu đưa thành phố trở thành trung tâm dịch vụ hàng hải và logistics của khu vực, đồng thời bảo vệ môi trường biển và sinh kế của ngư dân.",
            ),
            P("Các địa phương ven biển được giao xây dựng chương trình hành động cụ thể trong quý đầu năm tới."),
        ],
        source: Some(("Văn phòng Thành ủy", None)),
        status: "published",
        when: When::At("2026-10-21 08:00"),
        deleted: false,
    },
    Demo {
        title: "Thư viện cộng đồng mở cửa miễn phí vào buổi tối",
        summary: "Từ tháng này, thư viện cộng đồng của phường mở cửa đến 21 giờ để học sinh và người lao động có chỗ đọc sách sau giờ làm.",
        category: "xa-hoi",
        authors: &[(3, "writer")],
        tags: &[9],
        cover: 18,
        body: &[
            P(
                "Thư viện có hơn 8.000 đầu sách, khu đọc cho thiếu nhi và góc tự học có ổ cắm điện, mạng không dây miễn phí.",
            ),
            P("Nhiều tình nguyện viên là sinh viên đã đăng ký hướng dẫn các em nhỏ đọc sách vào cuối tuần."),
        ],
        source: None,
        status: "published",
        when: When::At("2026-10-14 19:30"),
        deleted: false,
    },
    Demo {
        title: "Giá thuê kho bãi quanh khu công nghiệp tăng nhẹ cuối năm",
        summary: "Nhu cầu thuê kho để trữ hàng mùa cao điểm khiến giá thuê kho bãi quanh các khu công nghiệp tăng khoảng 5%.",
        category: "kinh-te",
        authors: &[(1, "writer")],
        tags: &[5, 7],
        cover: 19,
        body: &[
            P(
                "Các doanh nghiệp thương mại điện tử là nhóm khách thuê tăng nhanh nhất. Nhiều chủ kho đã đầu tư thêm hệ thống kệ cao tầng và camera giám sát.",
            ),
            P("Giới chuyên môn dự báo giá thuê sẽ ổn định trở lại sau Tết khi nguồn cung mới đi vào hoạt động."),
        ],
        source: None,
        status: "published",
        when: When::At("2026-10-09 15:45"),
        deleted: false,
    },
    Demo {
        title: "Phương án phân luồng giao thông dịp cuối năm",
        summary: "Bản nháp phương án phân luồng, chưa được phê duyệt.",
        category: "do-thi",
        authors: &[(4, "writer")],
        tags: &[6, 15],
        cover: 23,
        body: &[P("Nội dung đang được biên tập.")],
        source: None,
        status: "draft",
        when: When::Never,
        deleted: false,
    },
    Demo {
        title: "Tiêm chủng mở rộng: lịch mới cho trẻ dưới 5 tuổi",
        summary: "Bài viết đang chờ biên tập viên duyệt.",
        category: "y-te",
        authors: &[(4, "writer")],
        tags: &[10, 15],
        cover: 25,
        body: &[P("Lịch tiêm mới sẽ được công bố sau khi có văn bản chính thức.")],
        source: None,
        status: "in_review",
        when: When::Never,
        deleted: false,
    },
    Demo {
        title: "Chương trình khuyến mại du lịch biển mùa hè",
        summary: "Bài hẹn giờ: chỉ hiển thị khi đến thời điểm xuất bản.",
        category: "du-lich",
        authors: &[(4, "writer")],
        tags: &[13, 15],
        cover: 21,
        body: &[P("Các khách sạn ven biển giảm giá phòng cho khách đặt sớm.")],
        source: None,
        status: "scheduled",
        when: When::InDays(7),
        deleted: false,
    },
    Demo {
        title: "Lịch thi đấu giải bóng đá phong trào",
        summary: "Bài đã lưu trữ.",
        category: "the-thao",
        authors: &[(4, "writer")],
        tags: &[11, 15],
        cover: 20,
        body: &[P("Giải đấu đã kết thúc.")],
        source: None,
        status: "archived",
        when: When::At("2021-05-02 08:00"),
        deleted: false,
    },
    Demo {
        title: "Thông báo tạm dừng tuyến phà",
        summary: "Bài đăng nhầm, đã chuyển vào thùng rác.",
        category: "cang-bien",
        authors: &[(4, "writer")],
        tags: &[7, 15],
        cover: 24,
        body: &[P("Nội dung không chính xác.")],
        source: None,
        status: "published",
        when: When::At("2026-11-01 09:00"),
        deleted: true,
    },
];

fn local(at: &str) -> anyhow::Result<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").with_context(|| format!("bad demo date {at}"))?;
    Ho_Chi_Minh
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("ambiguous demo date {at}"))
}

fn slug_of(text: &str) -> anyhow::Result<String> {
    Ok(Slug::from_text(text).with_context(|| format!("no slug for {text:?}"))?.to_string())
}

/// Loads the demo site when the database has no article yet; returns whether it did.
pub async fn load_if_empty(db: &DatabaseConnection, media: &Media) -> anyhow::Result<bool> {
    if article::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let files = images::generate_many(media, 1..=PHOTOS.len() as u64).await?;
    let now = Utc::now().with_nanosecond_truncated();
    let txn = db.begin().await?;

    if site::Entity::find_by_id(1).one(&txn).await?.is_none() {
        site::Entity::insert(site::ActiveModel {
            id: Set(1),
            name: Set(nfc("Bản tin Thành phố Cảng")),
            description: Set(nfc("Tin tức, sự kiện và đời sống của thành phố cảng, cập nhật mỗi ngày.")),
            base_url: Set("https://bantin.example.vn".into()),
            time_zone: Set("Asia/Ho_Chi_Minh".into()),
            locale: Set("vi-VN".into()),
            updated_at: Set(now),
        })
        .exec(&txn)
        .await?;
        let links = [
            ("facebook", "Fanpage Bản tin Thành phố Cảng", "https://www.facebook.com/bantin.thanhphocang"),
            ("youtube", "Kênh video Bản tin", "https://www.youtube.com/@bantinthanhphocang"),
            ("zalo", "Zalo Official Account", "https://zalo.me/bantinthanhphocang"),
        ];
        social_link::Entity::insert_many(links.iter().enumerate().map(|(i, (platform, label, url))| {
            social_link::ActiveModel {
                platform: Set((*platform).into()),
                label: Set(nfc(label)),
                url: Set((*url).into()),
                position: Set(i32::try_from(i).unwrap_or_default()),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await?;
    }

    let mut catalog = Catalog {
        categories: CategoryTree::from_rows(Vec::new()),
        authors: HashMap::new(),
        tags: HashMap::new(),
        media: HashMap::new(),
    };
    let first_media = next_id(&txn, "media").await?;
    let media = PHOTOS
        .iter()
        .zip(&files)
        .map(|((alt, caption, credit), file)| NewMedia {
            file_key: file.key.to_string(),
            byte_size: file.byte_size,
            width: images::WIDTH as i32,
            height: images::HEIGHT as i32,
            alt: (*alt).into(),
            caption: Some((*caption).into()),
            credit: Some((*credit).into()),
        })
        .collect();
    insert_media(&txn, first_media, media, &mut catalog).await?;
    let photo = |i: usize| first_media + i as i64;

    let first_category = next_id(&txn, "categories").await?;
    let mut category_ids: HashMap<&str, i64> = HashMap::new();
    let mut category_rows = Vec::new();
    for (i, (slug, name, parent, description)) in CATEGORIES.iter().enumerate() {
        let id = first_category + i as i64;
        category_ids.insert(slug, id);
        category_rows.push(category::Model {
            id,
            slug: (*slug).into(),
            name: nfc(name),
            description: Some(nfc(description)),
            parent_id: parent.and_then(|p| category_ids.get(p).copied()),
            position: i32::try_from(i).unwrap_or_default(),
            created_at: now,
            updated_at: now,
        });
    }
    category::Entity::insert_many(category_rows.iter().cloned().map(category::ActiveModel::from)).exec(&txn).await?;
    catalog.categories = CategoryTree::from_rows(category_rows);

    let first_author = next_id(&txn, "authors").await?;
    let author_rows: Vec<author::Model> = AUTHORS
        .iter()
        .enumerate()
        .map(|(i, (name, title, bio, avatar))| {
            Ok(author::Model {
                id: first_author + i as i64,
                slug: slug_of(name)?,
                name: nfc(name),
                title: Some(nfc(title)),
                bio: Some(nfc(bio)),
                avatar_media_id: Some(photo(*avatar)),
                created_at: now,
                updated_at: now,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    author::Entity::insert_many(author_rows.iter().cloned().map(author::ActiveModel::from)).exec(&txn).await?;
    for a in author_rows {
        catalog
            .authors
            .insert(a.id, Byline { id: a.id, slug: a.slug, name: a.name, title: a.title, role: String::new() });
    }

    let first_tag = next_id(&txn, "tags").await?;
    let tag_rows: Vec<tag::Model> = TAGS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            Ok(tag::Model { id: first_tag + i as i64, slug: slug_of(name)?, name: nfc(name), created_at: now })
        })
        .collect::<anyhow::Result<_>>()?;
    tag::Entity::insert_many(tag_rows.iter().cloned().map(tag::ActiveModel::from)).exec(&txn).await?;
    for t in tag_rows {
        catalog.tags.insert(t.id, TagRef { id: t.id, slug: t.slug, name: t.name });
    }

    // Oldest first, so ids grow with publication time like a real archive.
    let mut articles = Vec::new();
    for demo in ARTICLES.iter().rev() {
        let body = demo
            .body
            .iter()
            .map(|part| match part {
                P(text) => Block::Paragraph { text: (*text).into() },
                Img(i, caption) => Block::Image { media_id: photo(*i), caption: caption.map(Into::into), alt: None },
                Quote(text, by) => Block::Quote { text: (*text).into(), attribution: Some((*by).into()) },
            })
            .collect();
        let published_at = match demo.when {
            When::At(at) => Some(local(at)?),
            When::InDays(days) => Some(now + Duration::days(days)),
            When::Never => None,
        };
        articles.push(NewArticle {
            slug: slug_of(demo.title)?,
            title: demo.title.into(),
            summary: demo.summary.into(),
            body,
            cover: Some(photo(demo.cover)),
            category_id: *category_ids
                .get(demo.category)
                .with_context(|| format!("unknown category {}", demo.category))?,
            authors: demo.authors.iter().map(|(i, role)| (first_author + *i as i64, *role)).collect(),
            tags: demo.tags.iter().map(|i| first_tag + *i as i64).collect(),
            source: demo.source.map(|(name, url)| Source { name: name.into(), url: url.map(Into::into) }),
            status: demo.status,
            published_at,
            deleted_at: demo.deleted.then_some(now),
        });
    }
    let first_article = next_id(&txn, "articles").await?;
    insert_articles(&txn, &catalog, first_article, articles).await?;
    sync_sequences(&txn).await?;
    crate::services::changes::bump(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// Whole seconds: published times are shown to the minute, and second precision keeps
/// keyset comparisons identical on every back end.
trait TruncateNanos {
    fn with_nanosecond_truncated(self) -> Self;
}

impl TruncateNanos for DateTime<Utc> {
    fn with_nanosecond_truncated(self) -> Self {
        DateTime::from_timestamp(self.timestamp(), 0).unwrap_or(self)
    }
}
